using SpatialGrid.DeviceSim;

namespace SpatialGrid.Api.Tests.Ingestion;

/// <summary>The soak's schedule: the rate asked holds over the wall time, slow chunks are made up, within bounds.</summary>
public class SoakScheduleTests
{
    private static readonly TimeSpan Chunk = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_soak_on_time_sends_each_chunk_at_the_rate_asked()
    {
        var schedule = new SoakSchedule(10_000, TimeSpan.FromMinutes(30), Chunk);
        var first = schedule.Next(TimeSpan.Zero, 0)!.Value;
        Assert.Equal(300_000, first.Count);
        Assert.Equal(10_000, first.Rate, 6);
        var second = schedule.Next(TimeSpan.FromSeconds(30), 300_000)!.Value;
        Assert.Equal(300_000, second.Count);
    }

    [Fact]
    public void A_slow_chunk_is_made_up_by_the_next()
    {
        var schedule = new SoakSchedule(10_000, TimeSpan.FromMinutes(30), Chunk);
        // The first chunk took 38 s (the service warming up): 80,000 behind at 38 s; the next asks 680,000 - 300,000.
        var next = schedule.Next(TimeSpan.FromSeconds(38), 300_000)!.Value;
        Assert.Equal(380_000, next.Count);
        Assert.Equal(380_000 / 30.0, next.Rate, 6);
    }

    [Fact]
    public void Catching_up_never_asks_more_than_one_and_a_half_times_the_rate()
    {
        var schedule = new SoakSchedule(10_000, TimeSpan.FromMinutes(30), Chunk);
        var next = schedule.Next(TimeSpan.FromSeconds(300), 0)!.Value;
        Assert.Equal(450_000, next.Count);
        Assert.Equal(15_000, next.Rate, 6);
    }

    [Fact]
    public void A_chunk_ahead_of_the_schedule_sends_only_what_is_owed()
    {
        var schedule = new SoakSchedule(10_000, TimeSpan.FromMinutes(30), Chunk);
        var next = schedule.Next(TimeSpan.FromSeconds(30), 500_000)!.Value;
        Assert.Equal(100_000, next.Count);
        Assert.Equal(1, schedule.Next(TimeSpan.FromSeconds(30), 900_000)!.Value.Count);
    }

    [Fact]
    public void The_last_chunk_runs_to_the_end_and_then_the_soak_stops()
    {
        var schedule = new SoakSchedule(1_000, TimeSpan.FromSeconds(100), Chunk);
        // 40 s left: one chunk of 40 s rather than 30 + 10.
        var last = schedule.Next(TimeSpan.FromSeconds(60), 60_000)!.Value;
        Assert.Equal(TimeSpan.FromSeconds(40), last.Length);
        Assert.Equal(40_000, last.Count);
        Assert.Null(schedule.Next(TimeSpan.FromSeconds(99.5), 100_000));
        Assert.Null(schedule.Next(TimeSpan.FromSeconds(120), 100_000));
    }
}
