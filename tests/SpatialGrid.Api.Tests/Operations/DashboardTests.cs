using System.Text.Json;
using System.Text.RegularExpressions;

namespace SpatialGrid.Api.Tests.Operations;

/// <summary>
/// deploy/observability/grafana-dashboard.json and the service stay in step: the dashboard is a Grafana dashboard
/// on a chosen Prometheus data source, it charts what the issue asks for, and every metric it queries is one that
/// the running service exports after real traffic (a renamed metric fails here, not on an operator's empty panel).
/// </summary>
public sealed partial class DashboardTests(OperationsFixture ops) : IClassFixture<OperationsFixture>
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private static JsonElement Dashboard() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "grafana-dashboard.json"))).RootElement.Clone();

    private static IEnumerable<string> Expressions(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!);

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Groupings();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?")]
    private static partial Regex Identifiers();

    /// <summary>The metric names a PromQL expression reads: identifiers that are not functions, keywords, label names or ranges.</summary>
    public static IEnumerable<string> MetricsOf(string expr)
    {
        var bare = Ranges().Replace(Groupings().Replace(Matchers().Replace(expr, ""), ""), "");
        foreach (Match m in Identifiers().Matches(bare))
        {
            if (m.Groups[2].Success) continue; // a function: sum(, rate(, histogram_quantile(
            if (m.Groups[1].Value is "and" or "or" or "unless" or "offset" or "bool") continue;
            yield return m.Groups[1].Value;
        }
    }

    [Fact]
    public void The_metric_names_of_an_expression_are_read_without_functions_labels_or_ranges()
    {
        Assert.Equal(["a_bucket"], MetricsOf("histogram_quantile(0.95, sum by (le, step) (rate(a_bucket{x=\"y\"}[$__rate_interval])))"));
        Assert.Equal(["h_total", "h_total", "m_total"], MetricsOf("sum(rate(h_total[5m])) / (sum(rate(h_total[5m])) + sum(rate(m_total[5m])))"));
    }

    [Fact]
    public void The_dashboard_is_a_Grafana_dashboard_on_a_Prometheus_data_source_chosen_at_import()
    {
        var d = Dashboard();
        Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("uid").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("title").GetString()));
        Assert.True(d.GetProperty("schemaVersion").GetInt32() >= 36);
        var variable = d.GetProperty("templating").GetProperty("list").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", variable.GetProperty("type").GetString());
        Assert.Equal("prometheus", variable.GetProperty("query").GetString());
        var ids = new HashSet<int>();
        foreach (var panel in d.GetProperty("panels").EnumerateArray())
        {
            Assert.True(ids.Add(panel.GetProperty("id").GetInt32()), "panel ids are unique");
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
            foreach (var t in panel.GetProperty("targets").EnumerateArray()) Assert.Equal("${datasource}", t.GetProperty("datasource").GetProperty("uid").GetString());
        }
    }

    [Fact]
    public void The_dashboard_charts_alert_rates_ingest_lag_writer_steps_cases_by_colour_tile_hits_and_request_latency()
    {
        var expressions = Expressions(Dashboard()).ToList();
        foreach (var wanted in new[]
        {
            "spatialgrid_alerts_received_total", "spatialgrid_alerts_refused_total", "spatialgrid_alerts_absorbed_total",
            "spatialgrid_ingest_lag_seconds_bucket", "spatialgrid_writer_step_duration_seconds_bucket", "spatialgrid_cases_open",
            "spatialgrid_tiles_cache_hits_total", "spatialgrid_tiles_cache_misses_total", "http_server_request_duration_seconds_bucket",
        })
            Assert.Contains(expressions, e => MetricsOf(e).Contains(wanted));
        Assert.Contains(expressions, e => e.Contains("histogram_quantile(0.95", StringComparison.Ordinal) && e.Contains("http_route", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.Contains("by (reason)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_metric_the_dashboard_queries_is_exported_by_the_running_service()
    {
        var exported = (await ops.ScrapeAsync()).Names.ToHashSet();
        var missing = Expressions(Dashboard()).SelectMany(MetricsOf).Distinct().Where(m => !exported.Contains(m)).ToList();
        Assert.True(missing.Count == 0, $"queried by the dashboard, not exported: {string.Join(", ", missing)}; exported: {string.Join(", ", exported.Order())}");
    }

    [Fact]
    public async Task The_README_names_every_metric_of_the_SpatialGrid_meter()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Fixtures, "README.md"));
        var ours = (await ops.ScrapeAsync()).Names.Where(n => n.StartsWith("spatialgrid_", StringComparison.Ordinal))
            .Select(n => Regex.Replace(n, "_(bucket|sum|count)$", "")).Distinct().ToList();
        Assert.NotEmpty(ours);
        Assert.All(ours, n => Assert.Contains(n, readme));
    }

    [Fact]
    public void The_scrape_configuration_reads_metrics_of_the_service_address()
    {
        var config = File.ReadAllText(Path.Combine(Fixtures, "prometheus.yml"));
        Assert.Contains("metrics_path: /metrics", config);
        Assert.Contains("127.0.0.1:5080", config);
        Assert.Contains("job_name: spatialgrid", config);
    }
}
