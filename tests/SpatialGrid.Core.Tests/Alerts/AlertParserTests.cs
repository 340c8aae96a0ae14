using System.Text;
using System.Text.Json;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Core.Tests.Alerts;

public sealed class AlertParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    private static AlertParser.Result Parse(string json) => AlertParser.Parse(Encoding.UTF8.GetBytes(json), Now, TimeSpan.FromMinutes(5), TimeSpan.FromDays(30));

    [Fact]
    public void A_full_alert_parses_with_its_position_converted_to_wgs84()
    {
        var r = Parse("""{"msgId":"g1-7","deviceId":"cam-3","type":"camera.vending","severity":"major","observedAt":"2026-11-24T10:00:00+08:00","lon":121.4737,"lat":31.2304,"crs":"GCJ-02","confidence":0.83,"media":"sha256:ab","props":{"boxes":2}}""");
        Assert.True(r.Ok, r.Detail);
        var a = r.Alert!;
        Assert.Equal(("g1-7", "cam-3", "camera.vending", "major"), (a.MsgId, a.DeviceId, a.Type, a.Severity));
        Assert.Equal(Now, a.ObservedAt);
        // GCJ-02 is shifted a few hundred metres from WGS 84 in Shanghai.
        Assert.InRange(121.4737 - a.Lon!.Value, 0.003, 0.006);
        Assert.Equal("""{"boxes":2}""", a.PropsJson);
    }

    [Fact]
    public void Severity_defaults_to_minor_and_location_may_come_from_the_device()
    {
        var r = Parse("""{"msgId":"1","deviceId":"mh","type":"manhole.tilt","observedAt":"2026-11-24T01:59:00Z"}""");
        Assert.True(r.Ok);
        Assert.Equal("minor", r.Alert!.Severity);
        Assert.Null(r.Alert.Lon);
    }

    [Theory]
    [InlineData("""{"msgId":"1","deviceId":""", RejectReasons.MalformedJson)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","lon":NaN,"lat":1}""", RejectReasons.MalformedJson)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z",}""", RejectReasons.MalformedJson)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z"} trailing""", RejectReasons.MalformedJson)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","lng":1}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":1,"deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z"}""", RejectReasons.Schema)]
    [InlineData("""{"deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z"}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"Manhole Tilt","observedAt":"2026-11-24T01:59:00Z"}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"a..b","observedAt":"2026-11-24T01:59:00Z"}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24"}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T03:00:00Z"}""", RejectReasons.FutureTime)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-09-01T00:00:00Z"}""", RejectReasons.TooOld)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","lon":31.2,"lat":121.4}""", RejectReasons.SwappedCoordinates)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","lon":500,"lat":121.4}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","lon":1e400,"lat":1}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","crs":"EPSG:4326"}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","confidence":-0.1}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","media":""}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","props":"x"}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"1","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","severity":"CRITICAL"}""", RejectReasons.Schema)]
    [InlineData("""[]""", RejectReasons.Schema)]
    [InlineData("", RejectReasons.MalformedJson)]
    public void Bad_payloads_are_refused_with_the_rule_they_break(string json, string reason)
    {
        var r = Parse(json);
        Assert.False(r.Ok);
        Assert.Equal(reason, r.Reason);
        Assert.False(string.IsNullOrWhiteSpace(r.Detail));
    }

    [Fact]
    public void The_msgId_of_a_refused_message_is_read_when_it_can_be()
    {
        Assert.Equal("m-42", Parse("""{"msgId":"m-42","deviceId":"d","type":"t","observedAt":"2026-11-24T01:59:00Z","lng":1}""").MsgId);
        Assert.Equal("m-43", AlertParser.TryReadMsgId(Encoding.UTF8.GetBytes("""{"props":{"a":[1,2]},"msgId":"m-43","oops""")));
        Assert.Null(AlertParser.TryReadMsgId(Encoding.UTF8.GetBytes("garbage")));
    }

    /// <summary>The schema published to device makers and the parser agree on the fields, the required ones and the severities.</summary>
    [Fact]
    public void The_published_schema_matches_the_parser()
    {
        var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sensors", "schemas", "alert.json"))).RootElement;
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToList();
        var payload = typeof(AlertPayload).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order().ToList();
        Assert.Equal(payload, properties);
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["deviceId", "msgId", "observedAt", "type"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order().ToList());
        Assert.Equal(AlertParser.Severities, schema.GetProperty("properties").GetProperty("severity").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray());
        foreach (var example in schema.GetProperty("examples").EnumerateArray())
        {
            var r = AlertParser.Parse(Encoding.UTF8.GetBytes(example.GetRawText()), new DateTimeOffset(2026, 11, 24, 2, 0, 10, TimeSpan.Zero), TimeSpan.FromMinutes(5), TimeSpan.FromDays(30));
            Assert.True(r.Ok, r.Detail);
        }
    }
}
