namespace SpatialGrid.Core.Patrols;

/// <summary>How <see cref="VisitTracker"/> turns a track into visits; <see cref="Default"/> documents the chosen values.</summary>
/// <param name="GapLimit">Beyond it a segment is "no data": not walked, the open visit closes at the last fix (like Traccar's minimalNoDataDuration).</param>
/// <param name="MinVisitMetres">A stay in another cell shorter than this and than <paramref name="MinDwell"/> is GPS jitter on a border.</param>
/// <param name="MinDwell">See <paramref name="MinVisitMetres"/>: jitter is credited to the cell the worker is in.</param>
/// <param name="UtcOffset">The city's offset from UTC: pieces that cross local midnight are split there, so daily roll-ups are exact.</param>
public sealed record VisitRules(TimeSpan GapLimit, double MinVisitMetres, TimeSpan MinDwell, TimeSpan UtcOffset)
{
    /// <summary>
    /// 5 minutes: a phone on patrol reports every 5–30 s, so 5 minutes without a fix is a lost signal or a break, and a
    /// straight line across it would invent a walk. 20 m and 30 s: a phone's accuracy in streets is 5–15 m, so a
    /// crossing that is both shorter and briefer is the fix wandering over a border, not the worker. UTC+8: China.
    /// </summary>
    public static readonly VisitRules Default = new(TimeSpan.FromMinutes(5), 20, TimeSpan.FromSeconds(30), TimeSpan.FromHours(8));
}

/// <summary>The visit a worker is in now: its cell, since when, the last time seen in it, and time and distance so far.</summary>
public sealed record OpenVisit(string GridCode, DateTimeOffset EnteredAt, DateTimeOffset LastAt, double Seconds, double Metres);

/// <summary>
/// A stay in another cell (or outside every cell, GridCode null) not yet long enough to be a visit: if it ends shorter
/// than both MinVisitMetres and MinDwell it is jitter and credited to the open visit; once either is reached it becomes
/// the open visit. Part of the state, so that walking fixes over several calls decides exactly as one call does.
/// </summary>
public sealed record Excursion(string? GridCode, DateTimeOffset EnteredAt, DateTimeOffset LastAt, double Seconds, double Metres);

/// <summary>Where a worker's walk stands: the last point walked, and the open visit (null = outside every cell).</summary>
public sealed record VisitState(TrackPoint Last, OpenVisit? Open)
{
    /// <summary>A pending stay in another cell that may still turn out to be jitter; null when there is none.</summary>
    public Excursion? Excursion { get; init; }
}

/// <summary>A stretch of walking inside one cell between two fixes: for the daily roll-up per grid, worker and day.</summary>
public sealed record VisitPiece(string GridCode, DateTimeOffset From, DateTimeOffset To, double Seconds, double Metres);

/// <summary>A visit: entered, left (null while still open), time and distance inside.</summary>
public sealed record GridVisit(string GridCode, DateTimeOffset EnteredAt, DateTimeOffset? LeftAt, double Seconds, double Metres);

/// <summary>The outcome of walking some fixes: the new state, the visits that closed, and the pieces walked.</summary>
public sealed record VisitStep(VisitState? State, IReadOnlyList<GridVisit> Closed, IReadOnlyList<VisitPiece> Pieces)
{
    /// <summary>The straight segments walked between consecutive fixes, in order (gaps and restarts are not walked).</summary>
    public IReadOnlyList<WalkedSegment> Segments { get; init; } = [];
}

/// <summary>A straight segment walked between two consecutive clean fixes.</summary>
public readonly record struct WalkedSegment(TrackPoint From, TrackPoint To);
