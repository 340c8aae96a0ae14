namespace SpatialGrid.Core.Patrols;

/// <summary>A shift a worker is rostered on: the local day it starts, its local start and end (an end not after the start runs past midnight), its grids.</summary>
public sealed record RosteredShift(string Code, DateOnly Day, TimeOnly Starts, TimeOnly Ends, IReadOnlyList<string> Grids)
{
    /// <summary>The shift's span as instants in a city <paramref name="utcOffset"/> hours from UTC.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Span(TimeSpan utcOffset)
    {
        var from = new DateTimeOffset(Day.ToDateTime(Starts), utcOffset);
        var to = new DateTimeOffset(Day.ToDateTime(Ends), utcOffset);
        // 17:00-01:00 ends the next day; 00:00-00:00 is a whole day.
        if (Ends <= Starts) to = to.AddDays(1);
        return (from, to);
    }

    public bool Covers(DateTimeOffset t, TimeSpan utcOffset)
    {
        var (from, to) = Span(utcOffset);
        return t >= from && t < to;
    }
}

/// <summary>Where a worker stands against their shift's grids: since when outside them, and whether that was announced.</summary>
public sealed record PresenceState(DateTimeOffset? OutsideSince, bool Announced);

/// <summary>The decision of one step: the new state, and the shift to announce the worker left, if the threshold was just crossed.</summary>
public sealed record PresenceStep(PresenceState State, RosteredShift? Announce);

/// <summary>
/// During a shift a worker belongs in the shift's grids. Outside them for longer than a threshold, the centre is told
/// once (a worker crossing a border for a minute, or fetching lunch, is not worth a call); back inside, or off shift,
/// the watch starts over.
/// </summary>
public static class ShiftPresence
{
    /// <param name="shifts">The worker's rostered shifts around <paramref name="t"/> (any of them may cover it).</param>
    /// <param name="grid">The grid of the worker's last clean fix at <paramref name="t"/> (null: outside every grid).</param>
    public static PresenceStep Step(PresenceState state, IReadOnlyList<RosteredShift> shifts, string? grid, DateTimeOffset t,
        TimeSpan threshold, TimeSpan utcOffset)
    {
        // Shifts with grids of their own only: a shift without grids (a roaming team) has nowhere to be outside of.
        var onShift = shifts.Where(s => s.Grids.Count > 0 && s.Covers(t, utcOffset)).ToList();
        if (onShift.Count == 0) return new(new PresenceState(null, false), null);
        if (grid is not null && onShift.Any(s => s.Grids.Contains(grid))) return new(new PresenceState(null, false), null);
        var since = state.OutsideSince is { } s0 && s0 <= t ? s0 : t;
        if (!state.Announced && t - since >= threshold) return new(new PresenceState(since, true), onShift[0]);
        return new(new PresenceState(since, state.Announced), null);
    }
}
