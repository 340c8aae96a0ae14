using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialGrid.Api.Tests.Components;
using static SpatialGrid.Api.Tests.Patrols.PatrolFixture;

namespace SpatialGrid.Api.Tests.Patrols;

/// <summary>Fixes in over HTTP, visits and coverage out: the incremental walk survives sparse fixes and repeats.</summary>
public sealed class PatrolVisitTests(PatrolFixture api) : IClassFixture<PatrolFixture>
{
    [Fact]
    public async Task A_ride_with_fixes_two_grids_apart_visits_the_grid_it_crossed_between_them()
    {
        // 1.3 km between two fixes 4.5 minutes apart (an e-bike): no fix falls in the middle grid.
        var answer = await api.Post(Fix("w-1", 10, 0, CentreOf(West)), Fix("w-1", 10, 4, CentreOf(East), second: 30), Fix("w-1", 10, 6, CentreOf(East) + 0.0005));
        Assert.Equal(3, answer.GetProperty("stored").GetInt32());

        var grids = await api.Coverage("w-1");
        Assert.Equal([West, Middle, East], grids.Keys.Order());
        // The middle grid takes its share of the 4.5 minutes by the length of the ride inside it (half: centre to centre).
        Assert.InRange(grids[Middle].GetProperty("minutes").GetDouble(), 2.1, 2.4);
        Assert.InRange(grids[Middle].GetProperty("metres").GetDouble(), 600, 660);
    }

    [Fact]
    public async Task A_walk_that_starts_on_a_border_and_leaves_the_grid_at_once_is_stored_in_one_write()
    {
        // The first fix lies on the border of West and Middle (located in West, the smaller code); walking away into
        // Middle, the visit of West closes at the instant it began and Middle's is entered at that instant: two visits
        // with one key of patrol_visits in one write (found by the GPS benchmark: the write failed, and was retried forever).
        const double border = 121.466667; // the edge of both boxes (PatrolFixture)
        var answer = await api.Post(Fix("w-9", 11, 0, border), Fix("w-9", 11, 1, border + 0.0012), Fix("w-9", 11, 2, border + 0.0024),
            Fix("w-7", 11, 0, border), Fix("w-7", 11, 1, border - 0.0012), Fix("w-7", 11, 2, border - 0.0024));
        Assert.Equal(6, answer.GetProperty("stored").GetInt32());
        Assert.True((await api.Coverage("w-9")).ContainsKey(Middle));
        Assert.True((await api.Coverage("w-7")).ContainsKey(West));
    }

    [Fact]
    public async Task A_batch_sent_again_is_absorbed_and_walked_once()
    {
        var fixes = new[] { Fix("w-2", 9, 0, CentreOf(West)), Fix("w-2", 9, 4, CentreOf(West) + 0.002), Fix("w-2", 9, 8, CentreOf(Middle)) };
        await api.Post(fixes);
        var before = await api.Coverage("w-2");
        var again = await api.Post(fixes.Select(f => f.DeepClone()).ToArray());
        Assert.Equal(0, again.GetProperty("stored").GetInt32());
        Assert.Equal(3, again.GetProperty("repeats").GetInt32());
        var after = await api.Coverage("w-2");
        Assert.Equal(before[West].GetProperty("minutes").GetDouble(), after[West].GetProperty("minutes").GetDouble());
        Assert.Equal(3, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'w-2'"));
    }

    [Fact]
    public async Task A_fix_set_aside_by_cleaning_and_sent_again_is_absorbed()
    {
        // The newest stored fix is a flagged one, newer than the last clean point: its repeat must still be told apart
        // (the writer copies fixes newer than the newest stored one straight into gps_points).
        var blurred = Fix("w-13", 5, 2, CentreOf(West) + 0.001);
        blurred["accuracy"] = 500;
        await api.Post(Fix("w-13", 5, 0, CentreOf(West)), blurred);
        var again = await api.Post(blurred.DeepClone(), Fix("w-13", 5, 4, CentreOf(West) + 0.002));
        Assert.Equal(1, again.GetProperty("stored").GetInt32());
        Assert.Equal(1, again.GetProperty("repeats").GetInt32());
        Assert.Equal(3, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'w-13'"));
    }

    [Fact]
    public async Task A_fix_stored_before_its_tracker_knew_its_time_is_still_absorbed_and_the_rest_of_the_write_kept()
    {
        await api.Post(Fix("w-14", 4, 0, CentreOf(West)), Fix("w-14", 4, 2, CentreOf(West) + 0.001));
        // The tracker believes less was stored than was (a fix stored by an older version, or before the tracker existed):
        // the fast copy of the 04:02 repeat collides, is undone, and the whole write goes through the staging insert.
        await api.ScalarAsync("UPDATE patrol_trackers SET stored_until = '2026-11-24 04:00+08' WHERE worker_id = 'w-14' RETURNING 1");
        var again = await api.Post(Fix("w-14", 4, 2, CentreOf(West) + 0.001), Fix("w-14", 4, 4, CentreOf(West) + 0.002),
            Fix("w-12", 3, 0, CentreOf(East)));
        Assert.Equal(2, again.GetProperty("stored").GetInt32());
        Assert.Equal(1, again.GetProperty("repeats").GetInt32());
        Assert.Equal(3, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'w-14'"));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM patrol_trackers WHERE worker_id = 'w-14' AND stored_until = '2026-11-24 04:04+08'"));
    }

    [Fact]
    public async Task A_visit_still_open_lives_in_its_tracker_and_becomes_a_row_when_it_closes()
    {
        await api.Post(Fix("w-15", 9, 0, CentreOf(East)), Fix("w-15", 9, 2, CentreOf(East) + 0.001));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM patrol_visits WHERE worker_id = 'w-15'"));
        // Where the patrols tile layer (Maps/Sql/patrols.sql) reads each worker's open visit.
        Assert.Equal(1, await api.ScalarAsync($$"""
            SELECT count(*) FROM patrol_trackers WHERE worker_id = 'w-15' AND state #>> '{open,gridCode}' = '{{East}}'
               AND (state #>> '{open,seconds}')::float8 BETWEEN 119.9 AND 120.1 AND (state #>> '{open,lastAt}')::timestamptz = '2026-11-24 09:02+08'
            """));

        await api.Post(Fix("w-15", 9, 5, CentreOf(Middle)), Fix("w-15", 9, 8, CentreOf(Middle) + 0.001));
        Assert.Equal(1, await api.ScalarAsync($"""
            SELECT count(*) FROM patrol_visits WHERE worker_id = 'w-15' AND grid_code = '{East}' AND left_at IS NOT NULL
               AND entered_at = '2026-11-24 09:00+08'
            """));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM patrol_visits WHERE worker_id = 'w-15'"));
    }

    [Fact]
    public async Task Beyond_the_gap_limit_the_stretch_between_two_fixes_is_not_walked()
    {
        await api.Post(Fix("w-3", 8, 0, CentreOf(West)), Fix("w-3", 8, 40, CentreOf(East)));
        var grids = await api.Coverage("w-3");
        Assert.False(grids.ContainsKey(Middle));
    }

    [Fact]
    public async Task Fixes_posted_in_several_requests_give_the_same_visits_as_one()
    {
        await api.Post(Fix("w-4", 7, 0, CentreOf(West)), Fix("w-4", 7, 3, CentreOf(Middle)));
        await api.Post(Fix("w-4", 7, 6, CentreOf(East)));
        await api.Post(Fix("w-5", 7, 0, CentreOf(West)), Fix("w-5", 7, 3, CentreOf(Middle)), Fix("w-5", 7, 6, CentreOf(East)));
        var split = await api.Coverage("w-4");
        var whole = await api.Coverage("w-5");
        foreach (var g in new[] { West, Middle, East })
            Assert.Equal(whole[g].GetProperty("minutes").GetDouble(), split[g].GetProperty("minutes").GetDouble(), 1);
        var visits = await api.ScalarAsync("SELECT count(*) FROM patrol_visits WHERE worker_id = 'w-4'");
        Assert.Equal(await api.ScalarAsync("SELECT count(*) FROM patrol_visits WHERE worker_id = 'w-5'"), visits);
    }

    [Fact]
    public async Task The_track_comes_back_as_a_line_with_the_time_of_each_vertex_and_the_worker_is_live_in_the_grid_of_the_last_fix()
    {
        await api.Post(Fix("w-6", 11, 0, CentreOf(West)), Fix("w-6", 11, 1, CentreOf(West) + 0.001), Fix("w-6", 11, 2, CentreOf(West) + 0.002));
        var track = await ComponentFiles.Json(await api.Dispatcher.GetAsync(
            "/api/patrols/tracks?worker=w-6&from=2026-11-24T10:00:00%2B08:00&to=2026-11-24T12:00:00%2B08:00"));
        var feature = Assert.Single(track.GetProperty("features").EnumerateArray());
        Assert.Equal("LineString", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(3, feature.GetProperty("properties").GetProperty("times").GetArrayLength());

        var live = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/patrols/live"));
        var me = live.EnumerateArray().Single(w => w.GetProperty("worker").GetString() == "w-6");
        Assert.Equal(West, me.GetProperty("grid").GetString());
        Assert.Equal(58 * 60, me.GetProperty("ageSeconds").GetDouble());
    }

    [Fact]
    public async Task Raw_fixes_go_to_a_daily_partition()
    {
        await api.Post(Fix("w-7", 6, 0, CentreOf(East)));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM gps_points_p20261123 WHERE worker_id = 'w-7'"));
    }

    [Fact]
    public async Task The_patrols_tile_layer_draws_live_workers_tracks_and_coverage_and_needs_a_key()
    {
        await api.Post(Fix("w-9", 11, 40, CentreOf(Middle)), Fix("w-9", 11, 42, CentreOf(Middle) + 0.001), Fix("w-9", 11, 44, CentreOf(Middle) + 0.002));
        // Zoom 15 tile over the middle of the street.
        var (x, y) = Tile(CentreOf(Middle), Lat, 15);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.Anonymous.GetAsync($"/tiles/patrols/15/{x}/{y}.mvt")).StatusCode);
        var response = await api.Dispatcher.GetAsync($"/tiles/patrols/15/{x}/{y}.mvt");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var tile = System.Text.Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync());
        // Layer names and the worker's id are stored as plain strings in the tile.
        foreach (var expected in new[] { "live", "tracks", "coverage", "w-9" }) Assert.Contains(expected, tile);
    }

    private static (int X, int Y) Tile(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)((lon + 180) / 360 * n);
        var r = lat * Math.PI / 180;
        var y = (int)((1 - Math.Log(Math.Tan(r) + 1 / Math.Cos(r)) / Math.PI) / 2 * n);
        return (x, y);
    }

    [Fact]
    public async Task A_case_reported_from_the_field_records_the_worker_and_the_fix_nearest_in_time()
    {
        await api.Post(Fix("w-8", 11, 0, CentreOf(East)), Fix("w-8", 11, 5, CentreOf(East) + 0.001, second: 0), Fix("w-8", 11, 9, CentreOf(East) + 0.002));
        var created = await api.Dispatcher.PostAsJsonAsync("/api/cases", new
        {
            classCode = "0102", description = "井盖破损", lon = CentreOf(East) + 0.001, lat = Lat, source = "patrol", worker = "w-8",
            reportedAt = "2026-11-24T11:06:00+08:00",
        });
        PatrolFixture.Ok(created);
        var reporter = (await ComponentFiles.Json(created)).GetProperty("reporter");
        Assert.Equal("w-8", reporter.GetProperty("worker").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 5, 0, Cst), reporter.GetProperty("fixAt").GetDateTimeOffset());
        var day = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/patrols/workers/w-8/day?date=2026-11-24"));
        Assert.Equal(1, day.GetProperty("casesReported").GetInt32());

        var unknown = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "0102", description = "x", lon = CentreOf(East), lat = Lat, worker = "nobody" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task Coverage_of_a_day_lists_the_walked_grids_and_a_shift_narrows_it_to_its_own()
    {
        Ok(await api.Dispatcher.PostAsJsonAsync("/api/patrols/shifts",
            new { code = "s-west", name = "West day", district = District, starts = "08:00", ends = "17:00", grids = new[] { West } }));
        await api.Post(Fix("w-10", 11, 30, CentreOf(West)), Fix("w-10", 11, 33, CentreOf(Middle)), Fix("w-10", 11, 36, CentreOf(Middle) + 0.001));

        var all = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/patrols/coverage?date=2026-11-24"));
        Assert.Contains(Middle, all.EnumerateArray().Select(g => g.GetProperty("grid").GetString()));
        var west = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/patrols/coverage?date=2026-11-24&shift=s-west"));
        Assert.Equal([West], west.EnumerateArray().Select(g => g.GetProperty("grid").GetString()));
    }

    [Fact]
    public async Task Coverage_gives_a_grid_its_road_length_and_the_share_of_it_walked_within_the_buffer()
    {
        // Along the road in Middle, 8 m beside its centre line, fixes every 30 s (~40 m): 121.4672 → 121.4696 (~229 m).
        var y = RoadLat + 8 / 111_000.0;
        var fixes = Enumerable.Range(0, 7).Select(i => (JsonNode)Fix("w-11", 10, i / 2, 121.4672 + i * 0.0004, y, second: i % 2 * 30)).ToArray();
        await api.Post(fixes);

        var middle = await MiddleCoverage("");
        // Middle holds the road from 121.466667 to 121.470: ~317 m, as 10 m stretches.
        Assert.InRange(middle.GetProperty("roadMetres").GetDouble(), 300, 330);
        // Walked: ~229 m plus ~24 m of buffer at each end, of ~317 m.
        var share = middle.GetProperty("roadShare").GetDouble();
        Assert.InRange(share, 0.75, 0.92);

        // The same fixes again change nothing; a team filter cannot tell the team's own share: null.
        await api.Post(fixes.Select(f => f.DeepClone()).ToArray());
        Assert.Equal(share, (await MiddleCoverage("")).GetProperty("roadShare").GetDouble());
        Assert.Equal(JsonValueKind.Null, (await MiddleCoverage("&team=t-street")).GetProperty("roadShare").ValueKind);
        Assert.Equal(1, await api.ScalarAsync("SELECT count(DISTINCT grid_code) FROM patrol_road_walked WHERE road_code IN (SELECT code FROM components WHERE class_code = '0201')"));

        var csv = await api.Dispatcher.GetStringAsync("/api/patrols/coverage?date=2026-11-24&grid=" + Middle + "&format=csv");
        Assert.StartsWith("grid,name,minutes,metres,workers,first_visit,last_visit,road_metres,road_share\r\n", csv);
    }

    private async Task<JsonElement> MiddleCoverage(string filter)
    {
        var rows = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/patrols/coverage?date=2026-11-24&grid=" + Middle + filter));
        return rows.EnumerateArray().Single();
    }
}
