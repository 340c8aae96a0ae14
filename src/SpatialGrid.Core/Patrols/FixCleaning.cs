namespace SpatialGrid.Core.Patrols;

/// <summary>Why a fix is kept but not walked; a clean fix has none.</summary>
[Flags]
public enum FixFlags : short
{
    None = 0,
    PoorAccuracy = 1,
    Teleport = 2,
    OutOfOrder = 4,
    FarOutside = 8,
}

/// <summary>The thresholds of <see cref="FixCleaning"/>; the defaults suit people on foot or bicycle in a city.</summary>
/// <param name="MaxAccuracyM">A fix whose accuracy radius is worse (larger) than this is too vague to place in a 100 m grid.</param>
/// <param name="MaxSpeedMps">25 m/s (90 km/h) is beyond a patrolling worker, a bus or a metro's average between stations.</param>
/// <param name="FarOutsideM">A fix this far from the area's box is a phone left on at home or a glitch, not patrol work.</param>
public sealed record CleaningRules(double MaxAccuracyM = 50, double MaxSpeedMps = 25, double FarOutsideM = 3000);

/// <summary>The cleaning of one worker's batch: flags per fix (input order) and the clean fixes to walk.</summary>
/// <param name="Flags">One flag set per input fix, same order; a repeat's flags are None.</param>
/// <param name="Repeats">Indexes of fixes with the t of the state or of an earlier fix of the batch: the store absorbs them.</param>
/// <param name="CleanInTimeOrder">Indexes of the clean fixes, by time: the ones to walk.</param>
/// <param name="Last">The new last clean point (the state for the next batch), carrying any pending teleport suspect.</param>
public sealed record CleaningResult(FixFlags[] Flags, IReadOnlyList<int> Repeats, IReadOnlyList<int> CleanInTimeOrder, TrackPoint? Last)
{
    /// <summary>Indexes of clean fixes where the track starts anew (the metro rule): the way to them is not walked.</summary>
    public IReadOnlyList<int> Restarts { get; init; } = [];

    /// <summary>The clean fixes as track points in time order, restarts marked: what <see cref="VisitTracker.Advance"/> walks.</summary>
    public IReadOnlyList<TrackPoint> Track(IReadOnlyList<GpsFix> fixes) =>
        CleanInTimeOrder.Select(i => TrackPoint.Of(fixes[i]) with { Restart = Restarts.Contains(i) }).ToList();
}

/// <summary>
/// Decides which fixes of a worker are trusted enough to walk. Pure: the last clean point in, flags and the new last
/// clean point out. Flagged fixes are still stored (with their flags) for audit and replay; only clean ones are walked.
/// </summary>
public static class FixCleaning
{
    /// <summary>
    /// Fixes of ONE worker, in arrival order; area = the box of the grids (lon/lat), a fix farther than FarOutsideM from it is FarOutside.
    /// Returns one flag set per input fix (same order), the index order in which the fixes are walked (clean ones by time),
    /// and the new last clean point. Duplicates with the same t as the state or an earlier fix of the batch are returned in Repeats (indexes).
    /// </summary>
    public static CleaningResult Clean(IReadOnlyList<GpsFix> fixes, TrackPoint? last, CleaningRules rules,
        (double MinLon, double MinLat, double MaxLon, double MaxLat)? area)
    {
        var flags = new FixFlags[fixes.Count];
        var repeats = FindRepeats(fixes, last);

        // Rule: a batch is sorted by time before it is judged. Phones queue fixes while offline and may send them
        // shuffled; a batch is not "out of order" for that, only fixes older than what was already walked are.
        var byTime = Enumerable.Range(0, fixes.Count).Where(i => !repeats.Contains(i)).OrderBy(i => fixes[i].T).ThenBy(i => i).ToList();

        var clean = new List<int>();
        var restarts = new List<int>();
        var current = last;
        var suspect = last?.Suspect;
        foreach (var i in byTime)
        {
            var fix = fixes[i];
            // Rule: accuracy worse than MaxAccuracyM is PoorAccuracy: a 200 m circle cannot say which 100 m grid.
            if (fix.Accuracy > rules.MaxAccuracyM) flags[i] |= FixFlags.PoorAccuracy;
            // Rule: farther than FarOutsideM from the area is FarOutside: a phone left on at home, not patrol work.
            if (area is { } box && GroundDistance.MetresOutside(fix.Lon, fix.Lat, box) > rules.FarOutsideM) flags[i] |= FixFlags.FarOutside;
            // Rule: earlier than the last clean point is OutOfOrder: a late arrival; the walk cannot go back in time.
            if (last is not null && fix.T < last.T) flags[i] |= FixFlags.OutOfOrder;
            if (flags[i] != FixFlags.None) continue;

            var point = TrackPoint.Of(fix);
            if (current is null || Plausible(current, point, rules))
            {
                clean.Add(i);
                (current, suspect) = (point, null);
            }
            // Rule (metro): two teleports in a row that agree with each other are a real move (a metro, a car, a
            // lost-then-regained signal), not two glitches. The second starts the track anew so the worker is not
            // flagged forever; the jump itself was not seen and is not walked.
            else if (suspect is not null && Plausible(suspect, point, rules))
            {
                clean.Add(i);
                restarts.Add(i);
                (current, suspect) = (point with { Restart = true }, null);
            }
            // Rule: faster than MaxSpeedMps from the last clean point, allowing for both accuracies, is a Teleport.
            else
            {
                flags[i] |= FixFlags.Teleport;
                suspect = point;
            }
        }
        var newLast = current is null ? null : current with { Suspect = suspect };
        return new CleaningResult(flags, repeats.Order().ToList(), clean, newLast) { Restarts = restarts };
    }

    /// <summary>Whether b can follow a at MaxSpeedMps, each position allowed to be off by its accuracy radius.</summary>
    private static bool Plausible(TrackPoint a, TrackPoint b, CleaningRules rules)
    {
        var seconds = (b.T - a.T).TotalSeconds;
        if (seconds <= 0) return false;
        var metres = GroundDistance.Metres(a.Lon, a.Lat, b.Lon, b.Lat) - (a.Accuracy ?? 0) - (b.Accuracy ?? 0);
        return metres <= rules.MaxSpeedMps * seconds;
    }

    /// <summary>Fixes whose t is already known (the last clean point, its suspect, or an earlier fix of the batch).</summary>
    private static HashSet<int> FindRepeats(IReadOnlyList<GpsFix> fixes, TrackPoint? last)
    {
        var seen = new HashSet<DateTimeOffset>();
        if (last is not null) seen.Add(last.T);
        if (last?.Suspect is { } s) seen.Add(s.T);
        var repeats = new HashSet<int>();
        for (var i = 0; i < fixes.Count; i++)
        {
            if (!seen.Add(fixes[i].T)) repeats.Add(i);
        }
        return repeats;
    }
}
