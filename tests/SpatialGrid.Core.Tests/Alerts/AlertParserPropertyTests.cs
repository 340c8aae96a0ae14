using System.Reflection;
using System.Text;
using System.Text.Json;
using CsCheck;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Geo;
using static SpatialGrid.Core.Tests.Alerts.PayloadGenerators;

namespace SpatialGrid.Core.Tests.Alerts;

/// <summary>
/// Properties of the alert parser: any bytes are parsed or refused with a known reason and a detail, never an
/// exception; a valid generated alert comes back field for field.
/// </summary>
public class AlertParserPropertyTests
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Age = TimeSpan.FromDays(30);

    public static readonly HashSet<string> Reasons = typeof(RejectReasons).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!).ToHashSet();

    private sealed record Alert(string MsgId, string DeviceId, string Type, string? Severity, (DateTimeOffset At, string Text) Observed,
        (double Lon, double Lat, string? Crs)? Position, double? Confidence, string? Media, Dictionary<string, object>? Props)
    {
        public string Json()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("msgId", MsgId);
                w.WriteString("deviceId", DeviceId);
                w.WriteString("type", Type);
                if (Severity is not null) w.WriteString("severity", Severity);
                w.WriteString("observedAt", Observed.Text);
                if (Position is { } p)
                {
                    w.WriteNumber("lon", p.Lon);
                    w.WriteNumber("lat", p.Lat);
                    if (p.Crs is not null) w.WriteString("crs", p.Crs);
                }
                if (Confidence is { } c) w.WriteNumber("confidence", c);
                if (Media is not null) w.WriteString("media", Media);
                if (Props is not null)
                {
                    w.WritePropertyName("props");
                    JsonSerializer.Serialize(w, Props);
                }
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }

    private static Gen<string?> Of(params string?[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly Gen<(double, double, string?)> Positions = Gen.OneOf(
        Gen.Select(Gen.Double[-180, 180], Gen.Double[-90, 90], Of(null, "EPSG:4326", "CRS84")),
        Gen.Select(Gen.Double[120.8, 122.2], Gen.Double[30.6, 31.9], Gen.Const<string?>("GCJ-02")));

    private static readonly Gen<Dictionary<string, object>> Props =
        Gen.Dictionary(Gen.String[Gen.Char.AlphaNumeric, 1, 8], Gen.OneOf<object>(Gen.Int.Select(i => (object)i), Gen.String[Gen.Char.AlphaNumeric, 0, 12].Select(s => (object)s)))[0, 4];

    private static readonly Gen<Alert> Alerts = Gen.Select(Id, Id, PayloadGenerators.Type, Of(null, "info", "minor", "major", "critical"),
        Time(Skew, Age), Positions.Nullable(), Gen.Double[0, 1].Nullable(),
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 500], Gen.Bool, (m, has) => has ? m : null), Props.Null(),
        (m, d, t, s, o, p, c, media, props) => new Alert(m, d, t, s, o, p, c, media, props));

    private static AlertParser.Result Parse(byte[] json) => AlertParser.Parse(json, Now, Skew, Age);

    [Fact]
    public void A_valid_alert_parses_back_to_its_fields()
    {
        Alerts.Sample(a =>
        {
            var json = a.Json();
            var r = Parse(Encoding.UTF8.GetBytes(json));
            Assert.True(r.Ok, $"{json}: {r.Reason} {r.Detail}");
            var p = r.Alert!;
            Assert.Equal((a.MsgId, a.DeviceId, a.Type, a.Severity ?? "minor"), (p.MsgId, p.DeviceId, p.Type, p.Severity));
            Assert.Equal(a.Observed.At, p.ObservedAt);
            Assert.Equal(TimeSpan.Zero, p.ObservedAt.Offset);
            Assert.Equal((a.Confidence, a.Media), (p.Confidence, p.Media));
            Assert.Equal(a.Props is null ? null : JsonSerializer.Serialize(a.Props), p.PropsJson);
            if (a.Position is not { } pos) Assert.Equal((null, null), (p.Lon, p.Lat));
            else if (pos.Crs == "GCJ-02") Assert.Equal(Gcj02.ToWgs84(pos.Lon, pos.Lat), (p.Lon!.Value, p.Lat!.Value));
            else Assert.Equal((pos.Lon, pos.Lat), (p.Lon!.Value, p.Lat!.Value));
        }, iter: 3000);
    }

    [Fact]
    public void Any_bytes_are_parsed_or_refused_with_a_known_reason_and_a_detail_never_an_exception()
    {
        Hostile(Alerts.Select(a => a.Json())).Sample(bytes =>
        {
            var r = Parse(bytes);
            if (r.Ok)
            {
                Assert.Null(r.Reason);
                Assert.Equal(r.Alert!.MsgId, r.MsgId);
            }
            else
            {
                Assert.Contains(r.Reason!, Reasons);
                Assert.False(string.IsNullOrWhiteSpace(r.Detail));
            }
        }, iter: 20000);
    }

    [Fact]
    public void A_time_outside_the_accepted_window_is_refused_as_future_or_too_old()
    {
        Gen.Select(Alerts, Gen.Long[1, 400L * 86400], Gen.Bool).Sample((a, seconds, future) =>
        {
            var at = future ? Now + Skew + TimeSpan.FromSeconds(seconds) : Now - Age - TimeSpan.FromSeconds(seconds);
            var moved = a with { Observed = (at, at.ToString("yyyy-MM-dd'T'HH:mm:sszzz")) };
            var r = Parse(Encoding.UTF8.GetBytes(moved.Json()));
            Assert.Equal(future ? RejectReasons.FutureTime : RejectReasons.TooOld, r.Reason);
            Assert.Equal(a.MsgId, r.MsgId);
        }, iter: 2000);
    }
}
