using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Core.Tests.Alerts;

public sealed class DeduplicationTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private static readonly DeviceType Vending = new("camera.vending", "E0502", 0.6, 30, TimeSpan.FromMinutes(60), "");

    [Fact]
    public void The_same_device_and_type_joins_its_open_case_wherever_it_is()
    {
        var open = new List<OpenAlertCase> { new(1, "g1", "E0403", "mh-1", "manhole.tilt", 121.4, 31.2, T.AddDays(-3)) };
        var rule = new DeviceType("manhole.tilt", "E0403", 0, 15, TimeSpan.FromMinutes(120), "");
        Assert.Equal(1, AlertDeduplication.Match(open, "mh-1", "manhole.tilt", rule, "g2", 121.5, 31.3, T)?.Id);
        Assert.Null(AlertDeduplication.Match(open, "mh-1", "manhole.gas", rule with { RadiusM = 0 }, "g1", 121.4, 31.2, T));
    }

    [Fact]
    public void Same_class_joins_within_radius_and_window_in_the_same_grid_and_the_nearest_case_wins()
    {
        var open = new List<OpenAlertCase>
        {
            new(1, "g1", "E0502", "cam-1", "camera.vending", 121.4000, 31.2, T.AddMinutes(-10)),
            new(2, "g1", "E0502", null, null, 121.4002, 31.2, T.AddMinutes(-5)),
            new(3, "g2", "E0502", null, null, 121.4001, 31.2, T),
        };
        // ~9.5 m east of case 2, ~28.5 m from case 1: case 2.
        Assert.Equal(2, AlertDeduplication.Match(open, "cam-9", "camera.vending", Vending, "g1", 121.4003, 31.2, T)?.Id);
        // Too far (~48 m from case 2), another grid, another class, or past the window: nothing.
        Assert.Null(AlertDeduplication.Match(open, "cam-9", "camera.vending", Vending, "g1", 121.4007, 31.2, T));
        Assert.Null(AlertDeduplication.Match(open, "cam-9", "camera.vending", Vending, "g9", 121.4001, 31.2, T));
        Assert.Null(AlertDeduplication.Match(open, "cam-9", "camera.vending", Vending with { ClassCode = "E0504" }, "g1", 121.4001, 31.2, T));
        Assert.Null(AlertDeduplication.Match(open, "cam-9", "camera.vending", Vending, "g1", 121.4001, 31.2, T.AddMinutes(70)));
    }

    [Fact]
    public void Distances_are_metres()
    {
        // 0.001° of longitude at 31.2° N is about 95 m.
        Assert.InRange(AlertDeduplication.DistanceM(121.4, 31.2, 121.401, 31.2), 94.5, 95.5);
        Assert.InRange(AlertDeduplication.DistanceM(121.4, 31.2, 121.4, 31.201), 110.5, 111.5);
    }

    [Fact]
    public void The_token_bucket_allows_its_burst_then_its_rate()
    {
        var bucket = new TokenBucket(10, 3);
        // Days of uptime: elapsed time, not raw timestamps (a timestamp times ticks per second overflows a long).
        var t = TimeSpan.FromDays(40);
        Assert.True(bucket.TryTake(t) && bucket.TryTake(t) && bucket.TryTake(t));
        Assert.False(bucket.TryTake(t));
        Assert.True(bucket.TryTake(t + TimeSpan.FromMilliseconds(100)));
        Assert.False(bucket.TryTake(t + TimeSpan.FromMilliseconds(100)));
        // A long pause refills to the burst, not beyond.
        var later = t + TimeSpan.FromMinutes(1);
        Assert.True(bucket.TryTake(later) && bucket.TryTake(later) && bucket.TryTake(later));
        Assert.False(bucket.TryTake(later));
    }

    [Fact]
    public void The_type_table_of_the_repository_reads_and_bad_rows_are_reported_by_line()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sensors", "device-types.csv"));
        var (types, errors) = DeviceTypesCsv.Parse(text, c => c.StartsWith('E'));
        Assert.Empty(errors);
        Assert.Equal("E0403", types["manhole.tilt"].ClassCode);
        Assert.Equal(0.6, types["camera.vending"].MinConfidence);

        var (_, bad) = DeviceTypesCsv.Parse(DeviceTypesCsv.Header + "\nx,E0101,2,10,10,d\ny,9999,0,10,10,d\nz,E0101,0,10\nx2,E0101,0,-1,10,d\nq,E0101,0,10,10,ok\nq,E0101,0,10,10,again", c => c.StartsWith('E'));
        Assert.Equal(5, bad.Count);
        Assert.StartsWith("line 2:", bad[0]);
        Assert.Contains("repeated", bad[^1]);
        Assert.Single(DeviceTypesCsv.Parse("wrong,header", _ => true).Errors);
    }
}
