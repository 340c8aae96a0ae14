using System.Net;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;
using SpatialGrid.Api.Tests.Ingestion;

namespace SpatialGrid.Api.Tests.Operations;

/// <summary>
/// Liveness asks nothing; readiness asks the database, the broker, the alert writer's queue and the hotspot model's
/// age, answers each by name, and is 503 only when one of them is unhealthy (a stale model is degraded). No key needed.
/// </summary>
public sealed class HealthTests(IngestionFixture api) : IClassFixture<IngestionFixture>
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Live_and_the_old_health_answer_without_a_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Ready_names_each_check_with_its_status_and_description()
    {
        var (status, body) = await ReadyAsync(api.Anonymous);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["broker", "database", "hotspot-model", "writer-queue"],
            body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order().ToArray());
        foreach (var check in body.GetProperty("checks").EnumerateArray())
            Assert.False(string.IsNullOrWhiteSpace(check.GetProperty("description").GetString()), check.ToString());
        Assert.Equal("healthy", Check(body, "database").GetProperty("status").GetString());
        Assert.Contains($"127.0.0.1:{api.MqttPort}", Check(body, "broker").GetProperty("description").GetString());
        Assert.Equal(0, Check(body, "writer-queue").GetProperty("data").GetProperty("queued").GetInt32());
        // Unset, the limit is four fifths of the queue (Ingestion:QueueCapacity, 50,000 by default).
        Assert.Equal(40_000, Check(body, "writer-queue").GetProperty("data").GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task A_stale_hotspot_model_is_degraded_and_a_fresh_one_healthy_and_neither_makes_ready_fail()
    {
        await InsertModelAsync(hoursAgo: 80);
        var (status, body) = await ReadyAsync(api.Anonymous);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        var model = Check(body, "hotspot-model");
        Assert.Equal("degraded", model.GetProperty("status").GetString());
        Assert.Contains("Health:ModelMaxAgeHours", model.GetProperty("description").GetString());

        await InsertModelAsync(hoursAgo: 1);
        (status, body) = await ReadyAsync(api.Anonymous);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", Check(body, "hotspot-model").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_model_trained_now_for_a_past_day_does_not_pass_for_a_fresh_one()
    {
        // The newest model by training time is a planner's look back at five days ago: today is not scored, and the
        // nightly run's last model is 80 hours old.
        await api.ScalarAsync("DELETE FROM risk_models");
        await InsertModelAsync(hoursAgo: 80);
        await api.ScalarAsync("""
            INSERT INTO risk_models (trained_at, trained_by, scored_day, history_from, history_to, cells, events, settings, model)
            VALUES (now(), 'test', current_date - 5, current_date - 75, current_date - 5, 1, 1, '{}', '\x00') RETURNING version
            """);
        var (_, body) = await ReadyAsync(api.Anonymous);
        Assert.Equal("degraded", Check(body, "hotspot-model").GetProperty("status").GetString());
        await InsertModelAsync(hoursAgo: 1);
        (_, body) = await ReadyAsync(api.Anonymous);
        Assert.Equal("healthy", Check(body, "hotspot-model").GetProperty("status").GetString());
    }

    /// <summary>The city's date now (the service's calendar is UTC+8 unless configured): a model trained for its own day scores it.</summary>
    private const string CityToday = "((now() AT TIME ZONE 'UTC') + interval '8 hours')::date";

    private async Task InsertModelAsync(int hoursAgo) => await api.ScalarAsync($"""
        INSERT INTO risk_models (trained_at, trained_by, scored_day, history_from, history_to, cells, events, settings, model)
        VALUES (now() - interval '{hoursAgo} hours', 'test', {CityToday}, {CityToday} - 70, {CityToday}, 1, 1, '{"{}"}', '\x00') RETURNING version
        """);
}

/// <summary>An instance whose external broker cannot be reached is alive but not ready: 503, and the broker named as the reason.</summary>
public sealed class HealthWithoutBrokerTests(HealthWithoutBrokerTests.Fixture api) : IClassFixture<HealthWithoutBrokerTests.Fixture>
{
    public sealed class Fixture : ApiFixture
    {
        // A port nobody listens on: the client keeps retrying, the instance stays up.
        private readonly int _deadPort = FreePort.Next();

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Ingestion:Enabled"] = "true",
            ["Ingestion:Mode"] = "external",
            ["Ingestion:External:Host"] = "127.0.0.1",
            ["Ingestion:External:Port"] = _deadPort.ToString(),
            ["Ingestion:External:Password"] = "nobody-listens",
            ["Ingestion:External:Connections"] = "1",
        };
    }

    [Fact]
    public async Task Ready_is_503_naming_the_broker_while_live_stays_200()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/health/live")).StatusCode);
        var response = await api.Anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        var broker = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "broker");
        Assert.Equal("unhealthy", broker.GetProperty("status").GetString());
        Assert.Contains("not connected to the external broker", broker.GetProperty("description").GetString());
        var database = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("healthy", database.GetProperty("status").GetString());
    }
}
