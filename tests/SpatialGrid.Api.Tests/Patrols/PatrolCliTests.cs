using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Patrols;

/// <summary><c>sgrid patrols import</c> (GPX and CSV) and <c>sgrid patrols teams|workers import</c> against the real service.</summary>
public sealed class PatrolCliTests(PatrolCliTests.RealApi api) : IClassFixture<PatrolCliTests.RealApi>
{
    /// <summary>The real clock (the CLI sends fixes of the last hour), a two-grid city in 310101, a team and three workers.</summary>
    public sealed class RealApi : ApiFixture
    {
        protected override bool RealServer => true;
        public static readonly SmallCity City = new("310101", 121.47, 31.22);

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var published = await Editor.PostAsync("/api/grids/imports", Upload.GeoJson(City.GeoJson(), ("publish", "true")));
            PatrolFixture.Ok(published);
            PatrolFixture.Ok(await Admin.PostAsJsonAsync("/api/patrols/teams", new { id = "t-cli", name = "CLI team", district = "310101" }));
            PatrolFixture.Ok(await Admin.PostAsJsonAsync("/api/patrols/workers",
                new[] { "cw-1", "cw-2", "cw-3" }.Select(id => new { id, name = id, team = "t-cli", role = "grid-worker", district = "310101" })));
        }
    }

    private string AdminKey => api.Admin.DefaultRequestHeaders.GetValues("X-Api-Key").Single();

    private (int Code, string Out) Run(params string[] args)
    {
        var (code, output) = SgridProcess.Run(api.BaseAddress, AdminKey, args, columns: 250);
        return (code, SgridProcess.OneLine(output));
    }

    private static string WriteFile(string extension, string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sg-patrol-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, text);
        return path;
    }

    private static string Time(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Gpx(string points) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
          <trk><name>morning round</name><trkseg>{points}</trkseg></trk>
        </gpx>
        """;

    [Fact]
    public async Task A_gpx_track_is_sent_as_the_named_workers_fixes()
    {
        var (lon, lat) = RealApi.City.WestPoint;
        var start = DateTimeOffset.UtcNow.AddMinutes(-40);
        var points = string.Concat(Enumerable.Range(0, 6).Select(i =>
            $"""<trkpt lat="{Num(lat)}" lon="{Num(lon + i * 0.0008)}"><time>{start.AddMinutes(i).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}</time></trkpt>"""));
        var (code, output) = Run("patrols", "import", WriteFile(".gpx", Gpx(points)), "--worker", "cw-1");
        Assert.True(code == 0, output);
        Assert.Contains("6 stored", output);
        Assert.Contains("0 refused", output);
        Assert.Equal(6, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'cw-1'"));
    }

    [Fact]
    public async Task A_csv_is_sent_with_its_refusals_summarised_by_reason_and_line()
    {
        var (lon, lat) = RealApi.City.EastPoint;
        var now = DateTimeOffset.UtcNow;
        var csv = $"""
            t,lon,lat,accuracy,battery
            {Time(now.AddMinutes(-30))},{Num(lon)},{Num(lat)},8,80
            {Time(now.AddMinutes(-29))},{Num(lon + 0.0005)},{Num(lat)},9,80
            {Time(now.AddDays(-40))},{Num(lon)},{Num(lat)},8,80
            {Time(now.AddMinutes(-28))},{Num(lon + 0.001)},{Num(lat)},,79
            """;
        var (code, output) = Run("patrols", "import", WriteFile(".csv", csv), "--worker", "cw-2");
        Assert.True(code == 0, output);
        Assert.Contains("3 stored", output);
        Assert.Contains("1 refused", output);
        Assert.Contains("too-old", output);
        Assert.Contains("line 4", output);
        Assert.Equal(3, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'cw-2'"));

        // Sent again: every fix is a repeat, absorbed.
        (code, output) = Run("patrols", "import", WriteFile(".csv", csv), "--worker", "cw-2");
        Assert.True(code == 0, output);
        Assert.Contains("3 repeats absorbed", output);
    }

    [Fact]
    public void A_file_that_is_not_gpx_is_refused_before_anything_is_sent()
    {
        var (code, output) = Run("patrols", "import", WriteFile(".gpx", """<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"/>"""), "--worker", "cw-3");
        Assert.Equal(1, code);
        Assert.Contains("is not a GPX file: its root element is <kml>", output);

        (code, output) = Run("patrols", "import", WriteFile(".gpx", "lat,lon\n31.2,121.4"), "--worker", "cw-3");
        Assert.Equal(1, code);
        Assert.Contains("is not a readable GPX file", output);
        Assert.Contains("nothing was sent", output);
    }

    [Fact]
    public void A_gpx_without_time_stamps_names_the_first_untimed_points()
    {
        var points = """<trkpt lat="31.23" lon="121.475"><time>2026-11-24T02:00:00Z</time></trkpt><trkpt lat="31.23" lon="121.476"></trkpt>""";
        var (code, output) = Run("patrols", "import", WriteFile(".gpx", Gpx(points)), "--worker", "cw-3");
        Assert.Equal(1, code);
        Assert.Contains("1 of 2 track points have no <time> (first: track 1, segment 1, point 2)", output);
    }

    [Fact]
    public void A_csv_with_missing_columns_names_them()
    {
        var (code, output) = Run("patrols", "import", WriteFile(".csv", "time,lon\n2026-11-24T10:00:00+08:00,121.47"));
        Assert.Equal(1, code);
        Assert.Contains("lacks the column(s) worker (or give --worker ID), t, lat; its header has: time, lon", output);
    }

    [Fact]
    public void A_csv_with_unreadable_numbers_names_the_line_and_column()
    {
        var t = Time(DateTimeOffset.UtcNow.AddMinutes(-5));
        var csv = $"worker,t,lon,lat\ncw-3,{t},121.475,31.23\ncw-3,{t},121.475,\"31,23\"\ncw-3,10:00,121.475,31.23\ncw-3,{t},abc,31.23";
        var (code, output) = Run("patrols", "import", WriteFile(".csv", csv));
        Assert.Equal(1, code);
        Assert.Contains("line 3, column lat: '31,23' is not a number", output);
        Assert.Contains("line 4, column t: '10:00' is not a time with an offset", output);
        Assert.Contains("line 5, column lon: 'abc' is not a number", output);
        Assert.Contains("nothing was sent", output);
    }

    [Fact]
    public async Task Teams_and_workers_come_from_csv_files_and_a_bad_one_is_refused_whole()
    {
        var (code, output) = Run("patrols", "teams", "import", WriteFile(".csv", "id,name,district,subDistrict\nt-csv,南京东路一队,310101,310101002"));
        Assert.True(code == 0, output);
        (code, output) = Run("patrols", "workers", "import", WriteFile(".csv", "id,name,team,role,deviceId,district\ncw-10,张三,t-csv,,phone-10,310101\ncw-11,李四,t-csv,supervisor,,310101"));
        Assert.True(code == 0, output);
        Assert.Contains("2 workers saved", output);
        var workers = await api.Admin.GetFromJsonAsync<JsonElement>("/api/patrols/workers?team=t-csv");
        Assert.Equal(["grid-worker", "supervisor"], workers.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("role").GetString()));

        (code, output) = Run("patrols", "workers", "import", WriteFile(".csv", "id,name,team,district\ncw-12,王五,no-such-team,310101"));
        Assert.Equal(1, code);
        Assert.Contains("team 'no-such-team' does not exist", output);
        (code, output) = Run("patrols", "workers", "import", WriteFile(".csv", "id,team\ncw-13,t-csv"));
        Assert.Equal(1, code);
        Assert.Contains("name, district are missing", output);
    }
}
