using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using Npgsql;

namespace SpatialGrid.Api.Tests.Operations;

/// <summary>
/// One correlation id from the MQTT message or HTTP request to the case it opened: the W3C trace id, continued from a
/// <c>traceparent</c> (MQTT 5 user property, HTTP header) or begun by the service, stored with the case's first event
/// (<c>case_events.trace_id</c>), in the log line of the opening (JSON logs, scope TraceId) and in the HTTP answer.
/// </summary>
public sealed class CorrelationTests(OperationsFixture ops) : IClassFixture<OperationsFixture>
{
    private static (string TraceId, string TraceParent) NewTrace()
    {
        var trace = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        return (trace, $"00-{trace}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01");
    }

    /// <summary>The number and stored trace id of the case a device's alert type opened (its first event).</summary>
    private async Task<(string Number, string? TraceId)> CaseOfAsync(string device, string type)
    {
        await using var conn = new NpgsqlConnection(ops.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT c.number, e.trace_id FROM cases c JOIN case_events e ON e.case_id = c.id
            WHERE c.device_id = @device AND c.alert_type = @type ORDER BY e.sequence LIMIT 1
            """, conn);
        cmd.Parameters.AddWithValue("device", device);
        cmd.Parameters.AddWithValue("type", type);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), $"no case of {device} {type}");
        return (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1));
    }

    private async Task<string?> StoredTraceOfAsync(string number)
    {
        await using var conn = new NpgsqlConnection(ops.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT trace_id FROM case_events WHERE case_number = @n ORDER BY sequence LIMIT 1", conn);
        cmd.Parameters.AddWithValue("n", number);
        return await cmd.ExecuteScalarAsync() as string;
    }

    /// <summary>The TraceId scope of the JSON log line that tells of a case's opening (waits for the log to be written).</summary>
    private async Task<string?> LoggedTraceOfAsync(string number)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            string text;
            using (var stream = new FileStream(ops.Api.Log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream)) text = await reader.ReadToEndAsync();
            foreach (var line in text.Split('\n').Where(l => l.StartsWith('{') && l.Contains($"Case {number} opened", StringComparison.Ordinal)))
            {
                var log = JsonDocument.Parse(line).RootElement;
                foreach (var scope in log.GetProperty("Scopes").EnumerateArray())
                {
                    if (scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out var id)) return id.GetString();
                }
            }
            if (DateTime.UtcNow > until) return null;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_MQTT_5_alert_with_a_traceparent_opens_a_case_stored_and_logged_under_that_trace()
    {
        var (trace, traceparent) = NewTrace();
        using var client = await ops.ConnectAsync();
        var published = await ops.PublishAlertAsync(client, Guid.NewGuid().ToString("N"), traceparent, device: 1, type: "manhole.tilt");
        Assert.Equal(MqttClientPublishReasonCode.Success, published.ReasonCode);

        var (number, stored) = await CaseOfAsync(ops.Gateway.Devices[1].Id, "manhole.tilt");
        Assert.Equal(trace, stored);
        Assert.Equal(trace, await LoggedTraceOfAsync(number));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500, "manhole.gas")]
    [InlineData(MqttProtocolVersion.V311, "bin.full")]
    public async Task An_alert_without_a_traceparent_begins_a_trace_of_its_own_which_the_case_and_the_log_share(MqttProtocolVersion version, string type)
    {
        using var client = await ops.ConnectAsync(version);
        var published = await ops.PublishAlertAsync(client, Guid.NewGuid().ToString("N"), device: 1, type: type);
        Assert.Equal(MqttClientPublishReasonCode.Success, published.ReasonCode);

        var (number, stored) = await CaseOfAsync(ops.Gateway.Devices[1].Id, type);
        Assert.Matches("^[0-9a-f]{32}$", stored);
        Assert.NotEqual(new string('0', 32), stored);
        Assert.Equal(stored, await LoggedTraceOfAsync(number));
    }

    [Fact]
    public async Task An_HTTP_report_with_a_traceparent_opens_a_case_under_that_trace_and_says_so_in_its_answer()
    {
        var (trace, traceparent) = NewTrace();
        using var http = ops.Api.Client();
        var device = ops.Gateway.Devices[1];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases")
        {
            Content = JsonContent.Create(new { classCode = "E0101", description = "correlated report", lon = device.Lon, lat = device.Lat, source = "hotline" }),
        };
        request.Headers.Add("traceparent", traceparent);
        var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(trace, response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Contains(trace, response.Headers.GetValues("traceparent").Single());
        var number = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("case").GetProperty("number").GetString()!;
        Assert.Equal(trace, await StoredTraceOfAsync(number));
    }

    [Fact]
    public async Task An_HTTP_report_without_a_traceparent_gets_a_correlation_id_which_its_case_stores()
    {
        using var http = ops.Api.Client();
        var device = ops.Gateway.Devices[1];
        var response = await http.PostAsJsonAsync("/api/cases", new { classCode = "E0104", description = "uncorrelated report", lon = device.Lon, lat = device.Lat, source = "hotline" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var id = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", id);
        var number = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("case").GetProperty("number").GetString()!;
        Assert.Equal(id, await StoredTraceOfAsync(number));
    }
}
