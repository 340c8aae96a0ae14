using System.Globalization;

namespace SpatialGrid.Hotspots;

/// <summary>A grid a team patrols: its expected problems for the day or shift, and the patrol minutes it gets now.</summary>
public sealed record PatrolCell(string Id, double Risk, double CurrentMinutes);

/// <summary>What to do with one grid's patrol time, and why, in one sentence.</summary>
public sealed record PatrolMove(string Id, double Risk, double CurrentMinutes, double SuggestedMinutes, double RiskPerMinute, string Action, string Reason);

/// <summary>
/// Where a team's patrol minutes do most: a patrol of m minutes finds a share 1 − exp(−m/τ) of a grid's problems
/// (diminishing returns: the first half hour in a grid finds more than the third), so the minutes are handed out in steps,
/// each to the grid where it finds the most expected problems (greedy by marginal risk covered, which is optimal for a
/// concave return). The team's total stays what it walks today; only where it walks changes.
/// </summary>
public static class PatrolAllocation
{
    public const double DefaultTauMinutes = 30, DefaultStepMinutes = 5;

    public static List<PatrolMove> Suggest(IReadOnlyList<PatrolCell> cells, double totalMinutes, double tauMinutes = DefaultTauMinutes, double stepMinutes = DefaultStepMinutes)
    {
        if (tauMinutes <= 0 || stepMinutes <= 0) throw new ArgumentOutOfRangeException(nameof(tauMinutes), "τ and the step must be positive");
        var minutes = new double[cells.Count];
        var steps = (int)Math.Floor(Math.Max(0, totalMinutes) / stepMinutes);
        // A heap of the next step's gain per grid; equal gains go to the grid listed first.
        var queue = new PriorityQueue<int, (double Gain, int Index)>(Comparer<(double Gain, int Index)>.Create((a, b) =>
            b.Gain != a.Gain ? b.Gain.CompareTo(a.Gain) : a.Index.CompareTo(b.Index)));
        double Gain(int i) => Math.Max(0, cells[i].Risk) * (Math.Exp(-minutes[i] / tauMinutes) - Math.Exp(-(minutes[i] + stepMinutes) / tauMinutes));
        for (var i = 0; i < cells.Count; i++) queue.Enqueue(i, (Gain(i), i));
        for (var s = 0; s < steps && queue.Count > 0; s++)
        {
            var i = queue.Dequeue();
            minutes[i] += stepMinutes;
            queue.Enqueue(i, (Gain(i), i));
        }
        if (steps > 0 && totalMinutes > steps * stepMinutes)
        {
            // The remainder of the total goes where the last full step went.
            var best = Enumerable.Range(0, cells.Count).MaxBy(i => Gain(i));
            minutes[best] += totalMinutes - steps * stepMinutes;
        }
        return cells.Select((c, i) => Move(c, minutes[i], stepMinutes)).ToList();
    }

    private static PatrolMove Move(PatrolCell c, double suggested, double step)
    {
        var perMinute = c.Risk / Math.Max(1, c.CurrentMinutes);
        var delta = suggested - c.CurrentMinutes;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        string M(double v) => Math.Round(v).ToString(CultureInfo.InvariantCulture);
        var (action, reason) = delta >= step
            ? ("more", $"{F(c.Risk)} expected problems and {M(c.CurrentMinutes)} min of patrol a day: add {M(delta)} min here")
            : delta <= -step
                ? ("less", $"little risk ({F(c.Risk)} expected problems) for {M(c.CurrentMinutes)} min of patrol a day: {M(-delta)} min can go to riskier grids")
                : ("keep", $"{M(c.CurrentMinutes)} min of patrol a day fits {F(c.Risk)} expected problems");
        return new PatrolMove(c.Id, c.Risk, c.CurrentMinutes, Math.Round(suggested, 1), perMinute, action, reason);
    }
}
