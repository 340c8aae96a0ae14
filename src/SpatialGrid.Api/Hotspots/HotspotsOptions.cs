namespace SpatialGrid.Api.Hotspots;

/// <summary>Settings of hotspot training (section <c>Hotspots</c>).</summary>
public sealed class HotspotsOptions
{
    /// <summary>Train and score every night (off for instances that only serve reads, and in tests that train themselves).</summary>
    public bool NightlyEnabled { get; set; } = true;
    /// <summary>The UTC hour of the nightly run (17:00 UTC is 01:00 in Shanghai: the day's cases are all in).</summary>
    public int NightlyHourUtc { get; set; } = 17;
    /// <summary>Days of history read for training (a year and a bit: the 365-day features need a year before the first row).</summary>
    public int HistoryDays { get; set; } = 430;
    /// <summary>Test days of the back-test stored with each model (fewer when the history is short; none below 14).</summary>
    public int BacktestDays { get; set; } = 60;

    public bool IsValid() => NightlyHourUtc is >= 0 and <= 23 && HistoryDays is >= 60 and <= 2000 && BacktestDays is >= 0 and <= 365;
}
