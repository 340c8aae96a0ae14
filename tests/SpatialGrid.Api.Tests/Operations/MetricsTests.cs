namespace SpatialGrid.Api.Tests.Operations;

/// <summary>
/// After real traffic (MQTT alerts, HTTP requests, tiles), the service's own <c>/metrics</c> shows it: alerts in,
/// stored, refused and absorbed by reason, the ingest lag, the writer's steps, open cases by colour, the tile cache's
/// hits and misses, and request latency by route template. Scraped without a key, as Prometheus does.
/// </summary>
public sealed class MetricsTests(OperationsFixture ops) : IClassFixture<OperationsFixture>
{
    [Fact]
    public async Task Alerts_in_stored_refused_and_absorbed_are_counted_by_reason()
    {
        var scrape = await ops.ScrapeAsync();
        Assert.True(scrape.Sum("spatialgrid_alerts_received_total") >= ops.AlertsStored + 2, scrape.Text);
        Assert.True(scrape.Sum("spatialgrid_alerts_stored_total") >= ops.AlertsStored, scrape.Text);
        Assert.True(scrape.Sum("spatialgrid_alerts_refused_total", ("reason", "malformed-json")) >= 1, scrape.Text);
        Assert.True(scrape.Sum("spatialgrid_alerts_absorbed_total", ("reason", "repeat")) >= 1, scrape.Text);
    }

    [Fact]
    public async Task Ingest_lag_and_the_writer_steps_are_histograms_in_seconds()
    {
        var scrape = await ops.ScrapeAsync();
        Assert.True(scrape.Sum("spatialgrid_ingest_lag_seconds_count") >= ops.AlertsStored + 2, scrape.Text);
        Assert.True(scrape.Sum("spatialgrid_ingest_lag_seconds_bucket", ("le", "+Inf")) >= ops.AlertsStored + 2, scrape.Text);
        foreach (var step in new[] { "open", "lock-existing-dead-letters", "match-and-new-cases", "insert-alerts", "commit" })
            Assert.True(scrape.Sum("spatialgrid_writer_step_duration_seconds_count", ("step", step)) >= 1, $"step {step}: {scrape.Text}");
    }

    [Fact]
    public async Task Open_cases_are_shown_by_colour()
    {
        var scrape = await ops.ScrapeAsync();
        // The alerts opened one case, the HTTP report another; both are green (their first deadline is far).
        Assert.True(scrape.Sum("spatialgrid_cases_open", ("colour", "green")) >= 2, scrape.Text);
        Assert.Equal(0, scrape.Sum("spatialgrid_cases_open", ("colour", "red")));
        Assert.Contains(scrape.Samples, s => s.Name == "spatialgrid_cases_open" && s.Labels.GetValueOrDefault("colour") == "yellow");
    }

    [Fact]
    public async Task Tile_cache_hits_and_misses_are_counted_by_layer()
    {
        var scrape = await ops.ScrapeAsync();
        Assert.True(scrape.Sum("spatialgrid_tiles_cache_hits_total", ("layer", "grids")) >= 1, scrape.Text);
        Assert.True(scrape.Sum("spatialgrid_tiles_cache_misses_total", ("layer", "grids")) >= 1, scrape.Text);
        Assert.True(scrape.Sum("spatialgrid_tiles_cache_misses_total", ("layer", "cases")) >= 1, scrape.Text);
        Assert.Equal(0, scrape.Sum("spatialgrid_tiles_cache_hits_total", ("layer", "cases")));
    }

    [Fact]
    public async Task Request_latency_is_a_histogram_by_route_template()
    {
        var scrape = await ops.ScrapeAsync();
        Assert.True(scrape.Samples.Where(s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.GetValueOrDefault("http_request_method") == "POST"
            && s.Labels.GetValueOrDefault("http_route")?.TrimEnd('/') == "/api/cases").Sum(s => s.Value) >= 1, scrape.Text);
        // The template, not the address: one series for every tile.
        Assert.True(scrape.Sum("http_server_request_duration_seconds_count", ("http_route", "/tiles/{layer}/{z:int}/{x:int}/{y}")) >= 3, scrape.Text);
    }
}

/// <summary>With <c>Telemetry:MetricsRequireKey</c> a scrape needs a key (any role); without a key it is refused.</summary>
public sealed class MetricsKeyTests(MetricsKeyTests.Fixture api) : IClassFixture<MetricsKeyTests.Fixture>
{
    public sealed class Fixture : Infrastructure.ApiFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Telemetry:MetricsRequireKey"] = "true" };
    }

    [Fact]
    public async Task A_scrape_without_a_key_is_refused_and_with_one_served()
    {
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.Anonymous.GetAsync("/metrics")).StatusCode);
        var scrape = await api.Editor.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("spatialgrid_cases_open", await scrape.Content.ReadAsStringAsync());
        // Health stays open to probes whatever the setting.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.Anonymous.GetAsync("/health/live")).StatusCode);
    }
}
