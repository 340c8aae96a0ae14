using System.Text;
using System.Text.Json;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Patrols;
using static System.FormattableString;

namespace SpatialGrid.Core.Tests.Patrols;

public sealed class GpsBatchParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private static readonly GpsLimits Shanghai = new(1000, TimeSpan.FromMinutes(5), TimeSpan.FromDays(7), 120.8, 30.6, 122.2, 31.9);

    private static GpsBatchParser.Result Parse(string json, GpsLimits? limits = null) =>
        GpsBatchParser.Parse(Encoding.UTF8.GetBytes(json), Now, limits ?? Shanghai);

    private static string Batch(params string[] fixes) => $$"""{"msgId":"b-1","fixes":[{{string.Join(",", fixes)}}]}""";

    private const string Good = """{"worker":"w-0001","t":"2026-11-24T10:00:00+08:00","lon":121.47,"lat":31.23}""";

    [Fact]
    public void A_full_fix_parses_with_its_position_converted_to_wgs84()
    {
        var r = Parse("""{"msgId":"m-9","fixes":[{"worker":"w-0001","t":"2026-11-24T10:00:00+08:00","lon":121.47,"lat":31.23,"accuracy":8,"speed":1.2,"heading":90,"battery":76,"crs":"GCJ-02"}]}""");
        Assert.False(r.Refused, r.BatchDetail);
        Assert.Empty(r.Problems);
        Assert.Equal("m-9", r.MsgId);
        var f = Assert.Single(r.Fixes);
        Assert.Equal(("w-0001", Now, 8.0, 1.2, 90.0, 76.0), (f.Worker, f.T, f.Accuracy!.Value, f.Speed!.Value, f.Heading!.Value, f.Battery!.Value));
        // GCJ-02 is shifted a few hundred metres from WGS 84 in Shanghai.
        Assert.InRange(121.47 - f.Lon, 0.003, 0.006);
    }

    [Fact]
    public void The_msgId_is_optional_and_the_readings_too()
    {
        var r = Parse($$"""{"fixes":[{{Good}}]}""");
        Assert.False(r.Refused);
        Assert.Null(r.MsgId);
        Assert.Null(Assert.Single(r.Fixes).Accuracy);
    }

    [Theory]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":"NaN","lat":31.2}""", RejectReasons.Schema, "lon")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":1e999}""", RejectReasons.Schema, "lat")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2,"accuracy":"Infinity"}""", RejectReasons.Schema, "accuracy")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":31.2,"lat":121.4}""", RejectReasons.SwappedCoordinates, "swapped")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":31.2,"lat":80}""", RejectReasons.OutsideArea, "outside")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":500,"lat":121.4}""", RejectReasons.Schema, "out of range")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":2.35,"lat":48.85}""", RejectReasons.OutsideArea, "service area")]
    [InlineData("""{"worker":"w","t":"2026-11-24T03:00:00Z","lon":121.4,"lat":31.2}""", RejectReasons.FutureTime, "clock")]
    [InlineData("""{"worker":"w","t":"2026-11-01T00:00:00Z","lon":121.4,"lat":31.2}""", RejectReasons.TooOld, "7 days")]
    [InlineData("""{"worker":"w","t":"2026-11-24","lon":121.4,"lat":31.2}""", RejectReasons.Schema, "offset")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00","lon":121.4,"lat":31.2}""", RejectReasons.Schema, "offset")]
    [InlineData("""{"t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2}""", RejectReasons.Schema, "worker is required")]
    [InlineData("""{"worker":"w","lon":121.4,"lat":31.2}""", RejectReasons.Schema, "t is required")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":121.4}""", RejectReasons.Schema, "lon and lat")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lng":121.4,"lat":31.2}""", RejectReasons.Schema, "lng")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2,"crs":"EPSG:9999"}""", RejectReasons.Schema, "EPSG:9999")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2,"accuracy":-1}""", RejectReasons.Schema, "accuracy")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2,"speed":-0.5}""", RejectReasons.Schema, "speed")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2,"heading":360}""", RejectReasons.Schema, "heading")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2,"battery":101}""", RejectReasons.Schema, "battery")]
    [InlineData("""{"worker":"a\u0000b","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2}""", RejectReasons.Schema, "U+0000")]
    [InlineData("""{"worker":"a\uD800","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2}""", RejectReasons.Schema, "surrogate")]
    [InlineData("""{"worker":"","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2}""", RejectReasons.Schema, "worker")]
    [InlineData("""{"worker":7,"t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2}""", RejectReasons.Schema, "worker")]
    [InlineData("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":"121.4","lat":31.2}""", RejectReasons.Schema, "lon must be a JSON number, not a string")]
    [InlineData("""{"worker":"w","t":1732000000,"lon":121.4,"lat":31.2}""", RejectReasons.Schema, "t must be a JSON string, not a number")]
    [InlineData("""null""", RejectReasons.Schema, "fix object")]
    [InlineData("""[1]""", RejectReasons.Schema, "fixes[1]")]
    public void A_bad_fix_is_refused_by_index_with_the_rule_it_breaks_and_the_good_ones_are_kept(string bad, string reason, string detailMentions)
    {
        var r = Parse(Batch(Good, bad, Good));
        Assert.False(r.Refused, r.BatchDetail);
        Assert.Equal(2, r.Fixes.Count);
        var problem = Assert.Single(r.Problems);
        Assert.Equal((1, reason), (problem.Index, problem.Reason));
        Assert.Contains(detailMentions, problem.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Lon_and_lat_swapped_inside_their_ranges_show_against_the_service_area()
    {
        var alps = new GpsLimits(10, TimeSpan.FromMinutes(5), TimeSpan.FromDays(7), 5, 44, 16, 48);
        var r = Parse(Batch("""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":46.5,"lat":8.2}"""), alps);
        Assert.Equal(RejectReasons.SwappedCoordinates, Assert.Single(r.Problems).Reason);
    }

    [Fact]
    public void A_fix_in_a_projected_crs_is_converted_to_wgs84()
    {
        var (x, y) = SpatialGrid.Core.Geo.Crs.GaussKrugerFor(121.47).FromWgs84(121.47, 31.23);
        var r = Parse(Batch(Invariant($$"""{"worker":"w","t":"2026-11-24T01:59:00Z","lon":{{x}},"lat":{{y}},"crs":"EPSG:4549"}""")));
        var f = Assert.Single(r.Fixes);
        Assert.Equal(121.47, f.Lon, 6);
        Assert.Equal(31.23, f.Lat, 6);
    }

    [Fact]
    public void A_fix_refused_for_its_shape_still_names_its_worker()
    {
        var r = Parse(Batch("""{"worker":"w-0042","t":"2026-11-24T01:59:00Z","lon":121.4,"lat":31.2,"alt":12}"""));
        Assert.Equal("w-0042", Assert.Single(r.Problems).Worker);
    }

    [Fact]
    public void A_mixed_batch_keeps_the_valid_fixes_in_order_and_names_each_bad_one()
    {
        var r = Parse(Batch(
            """{"worker":"a","t":"2026-11-24T01:50:00Z","lon":121.40,"lat":31.2}""",
            """{"worker":"b","t":"2026-11-24T01:50:00Z","lon":"NaN","lat":31.2}""",
            """{"worker":"c","t":"2026-11-24T01:51:00Z","lon":121.41,"lat":31.2}""",
            """{"worker":"d","t":"2026-11-24T09:00:00Z","lon":121.42,"lat":31.2}""",
            """{"worker":"e","t":"2026-11-24T01:52:00Z","lon":31.2,"lat":121.4}"""));
        Assert.Equal(["a", "c"], r.Fixes.Select(f => f.Worker));
        Assert.Equal([(1, "b", RejectReasons.Schema), (3, "d", RejectReasons.FutureTime), (4, "e", RejectReasons.SwappedCoordinates)],
            r.Problems.Select(p => (p.Index, p.Worker, p.Reason)));
    }

    [Theory]
    [InlineData("""{"fixes":[""", RejectReasons.MalformedJson)]
    [InlineData("""{"fixes":[{"worker":"w","lon":NaN}]}""", RejectReasons.MalformedJson)]
    [InlineData("""{"fixes":[]} trailing""", RejectReasons.MalformedJson)]
    [InlineData("", RejectReasons.MalformedJson)]
    [InlineData("""[]""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"m"}""", RejectReasons.Schema)]
    [InlineData("""{"fixes":{}}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"m","fixes":[],"gateway":"g"}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":"a b","fixes":[]}""", RejectReasons.Schema)]
    [InlineData("""{"msgId":12,"fixes":[]}""", RejectReasons.Schema)]
    public void A_batch_that_cannot_be_read_is_refused_whole(string json, string reason)
    {
        var r = Parse(json);
        Assert.True(r.Refused);
        Assert.Equal(reason, r.BatchReason);
        Assert.False(string.IsNullOrWhiteSpace(r.BatchDetail));
        Assert.Empty(r.Fixes);
    }

    [Fact]
    public void A_million_fix_batch_is_refused_with_the_count_and_the_cap_without_holding_the_fixes()
    {
        var json = new StringBuilder("""{"msgId":"flood","fixes":[""");
        for (var i = 0; i < 1_000_000; i++) json.Append(i == 0 ? "" : ",").Append(Good);
        var bytes = Encoding.UTF8.GetBytes(json.Append("]}").ToString());

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var r = GpsBatchParser.Parse(bytes, Now, Shanghai);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Equal(RejectReasons.TooManyFixes, r.BatchReason);
        Assert.Equal("flood", r.MsgId);
        Assert.Contains("1,000,000", r.BatchDetail);
        Assert.Contains("1,000", r.BatchDetail);
        // Counted, not materialised: a fix object each would be a hundred megabytes and seconds.
        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated");
    }

    [Fact]
    public void A_batch_at_the_cap_is_taken()
    {
        var r = Parse(Batch(Good, Good), Shanghai with { MaxFixes = 2 });
        Assert.Equal(2, r.Fixes.Count);
        Assert.Equal(RejectReasons.TooManyFixes, Parse(Batch(Good, Good, Good), Shanghai with { MaxFixes = 2 }).BatchReason);
    }

    /// <summary>The schema published to phone makers and the parser agree on the fields and the required ones, and its examples parse.</summary>
    [Fact]
    public void The_published_schema_matches_the_parser()
    {
        var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sensors", "schemas", "gps.json"))).RootElement;
        Assert.Equal(["fixes", "msgId"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        var fix = schema.GetProperty("properties").GetProperty("fixes").GetProperty("items");
        var properties = fix.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToList();
        var payload = typeof(GpsFixPayload).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order().ToList();
        Assert.Equal(payload, properties);
        Assert.False(fix.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["lat", "lon", "t", "worker"], fix.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(GpsBatchParser.MaxWorkerLength, fix.GetProperty("properties").GetProperty("worker").GetProperty("maxLength").GetInt32());
        foreach (var example in schema.GetProperty("examples").EnumerateArray())
        {
            var r = Parse(example.GetRawText());
            Assert.False(r.Refused, r.BatchDetail);
            Assert.Empty(r.Problems);
        }
    }
}
