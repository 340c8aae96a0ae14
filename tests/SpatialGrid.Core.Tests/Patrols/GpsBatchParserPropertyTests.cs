using System.Text;
using System.Text.Json;
using CsCheck;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Patrols;
using SpatialGrid.Core.Tests.Alerts;
using static SpatialGrid.Core.Tests.Alerts.PayloadGenerators;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>
/// Properties of the GPS batch parser: any bytes are parsed or refused with a known reason, never an exception; every
/// fix of a readable batch is either kept (in order) or refused by its index; valid fixes come back field for field.
/// </summary>
public class GpsBatchParserPropertyTests
{
    private static readonly GpsLimits Shanghai = new(50, TimeSpan.FromMinutes(5), TimeSpan.FromDays(7), 120.8, 30.6, 122.2, 31.9);

    /// <summary>A fix, and whether it was made to break a rule (a blank worker, a position outside the area, a bearing of 360°).</summary>
    private sealed record Fix(string Worker, (DateTimeOffset At, string Text) T, double Lon, double Lat, double? Accuracy, double? Speed,
        double? Heading, double? Battery, int Broken)
    {
        public void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("worker", Broken == 1 ? " " : Worker);
            w.WriteString("t", T.Text);
            w.WriteNumber("lon", Broken == 2 ? Lon + 5 : Lon);
            w.WriteNumber("lat", Lat);
            if (Accuracy is { } a) w.WriteNumber("accuracy", a);
            if (Speed is { } s) w.WriteNumber("speed", s);
            if (Broken == 3) w.WriteNumber("heading", 360);
            else if (Heading is { } h) w.WriteNumber("heading", h);
            if (Battery is { } b) w.WriteNumber("battery", b);
            w.WriteEndObject();
        }
    }

    private static readonly Gen<Fix> Fixes = Gen.Select(
        Gen.Select(Gen.String[Gen.Char["ABCabc0189-_ 工人"], 1, 64].Where(w => !string.IsNullOrWhiteSpace(w)), Time(Shanghai.MaxSkew, Shanghai.MaxAge),
            Gen.Double[Shanghai.MinLon, Shanghai.MaxLon], Gen.Double[Shanghai.MinLat, Shanghai.MaxLat]),
        Gen.Select(Gen.Double[0, 500].Nullable(), Gen.Double[0, 60].Nullable(), Gen.Double[0, 359.999].Nullable(), Gen.Double[0, 100].Nullable()),
        Gen.Int[0, 9],
        (a, b, broken) => new Fix(a.Item1, a.Item2, a.Item3, a.Item4, b.Item1, b.Item2, b.Item3, b.Item4, broken <= 3 ? broken : 0));

    private static readonly Gen<(string? MsgId, Fix[] Fixes)> Batches = Gen.Select(Id.Null(), Fixes.Array[0, 20]);

    private static string Json(string? msgId, Fix[] fixes)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (msgId is not null) w.WriteString("msgId", msgId);
            w.WriteStartArray("fixes");
            foreach (var f in fixes) f.Write(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static GpsBatchParser.Result Parse(byte[] json) => GpsBatchParser.Parse(json, Now, Shanghai);

    [Fact]
    public void Valid_fixes_come_back_in_order_field_for_field_and_each_broken_one_is_refused_by_its_index()
    {
        Batches.Sample((msgId, fixes) =>
        {
            var json = Json(msgId, fixes);
            var r = Parse(Encoding.UTF8.GetBytes(json));
            Assert.False(r.Refused, $"{json}: {r.BatchReason} {r.BatchDetail}");
            Assert.Equal(msgId, r.MsgId);
            Assert.Equal(Enumerable.Range(0, fixes.Length).Where(i => fixes[i].Broken != 0), r.Problems.Select(p => p.Index));
            var kept = fixes.Where(f => f.Broken == 0).ToList();
            Assert.Equal(kept.Count, r.Fixes.Count);
            for (var i = 0; i < kept.Count; i++)
            {
                var (f, g) = (kept[i], r.Fixes[i]);
                Assert.Equal((f.Worker, f.T.At, f.Lon, f.Lat), (g.Worker, g.T, g.Lon, g.Lat));
                Assert.Equal((f.Accuracy, f.Speed, f.Heading, f.Battery), (g.Accuracy, g.Speed, g.Heading, g.Battery));
                Assert.Equal(TimeSpan.Zero, g.T.Offset);
            }
            foreach (var p in r.Problems)
            {
                var expected = fixes[p.Index].Broken == 2 ? RejectReasons.OutsideArea : RejectReasons.Schema;
                Assert.Equal(expected, p.Reason);
            }
        }, iter: 2000);
    }

    [Fact]
    public void A_batch_over_the_cap_is_refused_whole()
    {
        Gen.Select(Fixes, Gen.Int[Shanghai.MaxFixes + 1, Shanghai.MaxFixes * 3]).Sample((fix, n) =>
        {
            var r = Parse(Encoding.UTF8.GetBytes(Json("b-1", Enumerable.Repeat(fix, n).ToArray())));
            Assert.Equal(RejectReasons.TooManyFixes, r.BatchReason);
            Assert.Equal("b-1", r.MsgId);
            Assert.Empty(r.Fixes);
        }, iter: 200);
    }

    [Fact]
    public void Any_bytes_are_parsed_or_refused_with_a_known_reason_never_an_exception()
    {
        Hostile(Batches.Select(b => Json(b.MsgId, b.Fixes))).Sample(bytes =>
        {
            var r = Parse(bytes);
            if (r.Refused)
            {
                Assert.Contains(r.BatchReason!, AlertParserPropertyTests.Reasons);
                Assert.False(string.IsNullOrWhiteSpace(r.BatchDetail));
                Assert.Empty(r.Fixes);
                Assert.Empty(r.Problems);
                return;
            }
            // Each fix is accounted for once: kept, or refused by an index in range, in batch order.
            var indices = r.Problems.Select(p => p.Index).ToList();
            Assert.Equal(indices.Order(), indices);
            Assert.Equal(indices.Distinct().Count(), indices.Count);
            Assert.All(r.Problems, p =>
            {
                Assert.InRange(p.Index, 0, r.Fixes.Count + r.Problems.Count - 1);
                Assert.Contains(p.Reason, AlertParserPropertyTests.Reasons);
                Assert.False(string.IsNullOrWhiteSpace(p.Detail));
            });
        }, iter: 20000);
    }
}
