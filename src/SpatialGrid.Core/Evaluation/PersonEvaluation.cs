using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Supervision;

namespace SpatialGrid.Core.Evaluation;

/// <summary>What the role indicators read of a case: who reported, recorded, opened, dispatched and closed it, and when.</summary>
public readonly record struct PersonCaseFacts(string Number, string? GridCode, IntakeChannel Channel, bool ByDevice, CaseState State, DateTimeOffset ReportedAt,
    string? ReporterWorker, string ReportedBy, DateTimeOffset? AcceptedAt, string? AcceptedBy, DateTimeOffset DispatchDue, DateTimeOffset? FirstDispatchedAt,
    string? DispatchedBy, int DispatchCount, int ReturnCount, DateTimeOffset? ClosedAt, string? ClosedBy, DateTimeOffset CloseDue);

/// <summary>What the role indicators read of a confirm or check task: its holder, its sender, whether it was sent and answered in time.</summary>
public sealed record PersonTaskFacts(string CaseNumber, TaskKind Kind, string? Worker, string SentBy, bool SentOnTime, DateTimeOffset DueAt, bool Answered, bool? OnTime);

/// <summary>A worker on a rostered shift: the grids they were responsible for from one instant to another.</summary>
public sealed record ShiftSpan(string Worker, string[] Grids, DateTimeOffset From, DateTimeOffset To);

/// <summary>One case's part in one person's indicator: how much it counts and how much of that meets the indicator.</summary>
public readonly record struct Judgement(Role Role, string Person, string Indicator, string CaseNumber, int Counted, int Met);

/// <summary>One person's (or, by role, one role's) figures, composite score and grade; the composite is made of the indicators with data, their weights scaled to 100 % (<see cref="Missing"/> names the others).</summary>
public sealed record PersonRow(Role Role, string Person, IReadOnlyDictionary<string, Figure> Figures, double? Score, string? Grade, int? Rank, IReadOnlyList<string> Missing);

/// <summary>
/// The evaluation of the standard's roles. Each indicator is a rule turning cases and tasks into judgements (one per
/// case and person), so that a score can be taken apart down to its cases:
/// supervisor — valid report (their reports that were opened, of those decided), missed report (problems in a grid of
/// their shift, while on it, reported by someone else: the public, a higher authority or another supervisor; device
/// alerts are not misses), on-time confirm and on-time check (tasks they held, answered by the deadline, of those
/// answered or due); acceptor — calls recorded (public and higher-authority reports), confirm and check tasks sent
/// within the class's dispatch limit; shift leader — opening within the dispatch limit, opening not returned by the unit,
/// closing by the closing deadline; dispatcher — dispatches, first dispatch on time, dispatches not returned.
/// A count scores as its share of the largest count of the role (the busiest person scores 100).
/// </summary>
public static class PersonEvaluation
{
    public static IEnumerable<Judgement> Judge(IReadOnlyList<PersonCaseFacts> cases, IReadOnlyList<PersonTaskFacts> tasks, IReadOnlyList<ShiftSpan> shifts, DateTimeOffset asOf)
    {
        var onShift = new ShiftIndex(shifts);
        var onGrid = new List<string>();
        foreach (var c in cases)
        {
            var opened = c.AcceptedAt is not null && c.State is not (CaseState.Rejected or CaseState.Reported);
            if (c.ReporterWorker is { } reporter && (opened || c.State == CaseState.Rejected))
                yield return new(Role.Supervisor, reporter, "valid-report", c.Number, 1, opened ? 1 : 0);
            if (c.GridCode is { } grid && !c.ByDevice && c.State != CaseState.Rejected)
            {
                onShift.WorkersAt(grid, c.ReportedAt, onGrid);
                foreach (var worker in onGrid)
                    yield return new(Role.Supervisor, worker, "missed-report", c.Number, 1, c.ReporterWorker == worker ? 0 : 1);
            }
            if (c.Channel is IntakeChannel.Public or IntakeChannel.HigherAuthority)
                yield return new(Role.Acceptor, c.ReportedBy, "accepted", c.Number, 1, 1);
            if (c.AcceptedBy is { } leader && opened)
            {
                yield return new(Role.ShiftLeader, leader, "on-time-opening", c.Number, 1, c.AcceptedAt <= c.DispatchDue ? 1 : 0);
                yield return new(Role.ShiftLeader, leader, "accurate-opening", c.Number, 1, c.ReturnCount == 0 ? 1 : 0);
            }
            if (c.ClosedBy is { } closer && c.State == CaseState.Closed)
                yield return new(Role.ShiftLeader, closer, "on-time-closing", c.Number, 1, c.ClosedAt <= c.CloseDue ? 1 : 0);
            if (c.DispatchedBy is { } dispatcher && c.DispatchCount > 0)
            {
                yield return new(Role.Dispatcher, dispatcher, "dispatches", c.Number, c.DispatchCount, c.DispatchCount);
                yield return new(Role.Dispatcher, dispatcher, "on-time-dispatch", c.Number, 1, c.FirstDispatchedAt <= c.DispatchDue ? 1 : 0);
                yield return new(Role.Dispatcher, dispatcher, "accurate-dispatch", c.Number, c.DispatchCount, Math.Max(0, c.DispatchCount - c.ReturnCount));
            }
        }
        foreach (var t in tasks)
        {
            var confirm = t.Kind == TaskKind.Confirm;
            yield return new(Role.Acceptor, t.SentBy, confirm ? "on-time-confirm-dispatch" : "on-time-check-dispatch", t.CaseNumber, 1, t.SentOnTime ? 1 : 0);
            if (t.Worker is { } worker && (t.Answered || t.DueAt <= asOf))
                yield return new(Role.Supervisor, worker, confirm ? "on-time-confirm" : "on-time-check", t.CaseNumber, 1, t.Answered && t.OnTime == true ? 1 : 0);
        }
    }

    /// <summary>
    /// The rostered shifts per grid, sorted by start, for "who was on shift for this grid at this instant": a binary
    /// search and a walk back over the shifts that began within the longest shift's length, instead of a scan of the
    /// month's shifts of the grid per case (the missed-report rule asks it for every case of the period).
    /// </summary>
    private sealed class ShiftIndex
    {
        private readonly Dictionary<string, (ShiftSpan Span, int Order)[]> _byGrid;
        private readonly TimeSpan _longest;
        private readonly List<(int Order, string Worker)> _found = [];

        public ShiftIndex(IReadOnlyList<ShiftSpan> shifts)
        {
            _byGrid = shifts.SelectMany((s, i) => s.Grids.Select(g => (Grid: g, Span: s, Order: i)))
                .GroupBy(x => x.Grid, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(x => (x.Span, x.Order)).OrderBy(x => x.Span.From).ThenBy(x => x.Order).ToArray(), StringComparer.Ordinal);
            _longest = shifts.Count == 0 ? TimeSpan.Zero : shifts.Max(s => s.To - s.From);
        }

        /// <summary>The distinct workers on a shift for the grid at the instant (From ≤ at &lt; To), in roster order, into <paramref name="workers"/>.</summary>
        public void WorkersAt(string grid, DateTimeOffset at, List<string> workers)
        {
            workers.Clear();
            if (!_byGrid.TryGetValue(grid, out var spans)) return;
            // The first shift that starts after the instant; those before it that began less than the longest shift ago may hold it.
            int lo = 0, hi = spans.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (spans[mid].Span.From <= at) lo = mid + 1; else hi = mid;
            }
            _found.Clear();
            for (var i = lo - 1; i >= 0 && at - spans[i].Span.From <= _longest; i--)
                if (at < spans[i].Span.To) _found.Add((spans[i].Order, spans[i].Span.Worker));
            _found.Sort((a, b) => a.Order.CompareTo(b.Order));
            foreach (var (_, worker) in _found)
                if (!workers.Contains(worker)) workers.Add(worker);
        }
    }

    /// <summary>Rows per person (<paramref name="byRole"/> false) or per role, scored with <paramref name="weights"/> and ranked within each role.</summary>
    public static IReadOnlyList<PersonRow> Evaluate(IEnumerable<Judgement> judgements, IReadOnlyDictionary<string, double> weights, bool byRole) =>
        Evaluate(JudgementTotals.Of(judgements), weights, byRole);

    /// <summary>Rows per person or per role from the judgements' totals (what a review keeps instead of every judgement).</summary>
    public static IReadOnlyList<PersonRow> Evaluate(JudgementTotals totals, IReadOnlyDictionary<string, double> weights, bool byRole)
    {
        var sums = byRole ? totals.ByRole() : totals.ByPerson;
        var rows = new List<PersonRow>();
        foreach (var role in sums.Keys.Select(k => k.Role).Distinct().Order())
        {
            var people = sums.Where(kv => kv.Key.Role == role).ToList();
            var indicators = RoleIndicators.Of(role).ToList();
            // Counts score against the busiest person of the role; a role row has no peer to compare with, so its counts are shown, not scored.
            var busiest = indicators.Where(i => i.IsCount).ToDictionary(i => i.Name, i => people.Max(p => p.Value.GetValueOrDefault(i.Name).Met));
            var values = people.ToDictionary(p => p.Key.Person, p => indicators.ToDictionary(i => i.Name, i =>
            {
                var (n, m) = p.Value.GetValueOrDefault(i.Name);
                return i.IsCount ? (n == 0 ? (double?)null : m) : AreaEvaluation.Rate(m, n);
            }), StringComparer.Ordinal);
            var ranksPer = indicators.ToDictionary(i => i.Name, i => AreaEvaluation.Ranks(values.ToDictionary(v => v.Key, v => v.Value[i.Name]), i.LowerIsBetter));
            var scored = new List<(string Person, Dictionary<string, Figure> Figures, double? Score, List<string> Missing)>();
            foreach (var (key, figures) in people)
            {
                double total = 0, weight = 0;
                var missing = new List<string>();
                foreach (var i in indicators)
                {
                    var v = values[key.Person][i.Name];
                    var w = weights.GetValueOrDefault(i.Name, i.DefaultWeight);
                    if (v is null || (i.IsCount && byRole)) { if (v is null) missing.Add(i.Name); continue; }
                    var s = i.IsCount ? (busiest[i.Name] == 0 ? 0 : 100.0 * v.Value / busiest[i.Name]) : 100 * (i.LowerIsBetter ? 1 - v.Value : v.Value);
                    total += w * s;
                    weight += w;
                }
                double? score = weight > 0 ? Math.Round(total / weight, 1) : null;
                scored.Add((key.Person, indicators.ToDictionary(i => i.Name, i =>
                {
                    var (n, m) = figures.GetValueOrDefault(i.Name);
                    return new Figure(m, n, values[key.Person][i.Name], ranksPer[i.Name].GetValueOrDefault(key.Person));
                }), score, missing));
            }
            var ranks = AreaEvaluation.Ranks(scored.ToDictionary(s => s.Person, s => s.Score), lowerIsBetter: false);
            rows.AddRange(scored.OrderBy(s => ranks.GetValueOrDefault(s.Person) ?? int.MaxValue).ThenBy(s => s.Person, StringComparer.Ordinal)
                .Select(s => new PersonRow(role, s.Person, s.Figures, s.Score, s.Score is { } v ? RoleIndicators.Grade(v) : null, ranks.GetValueOrDefault(s.Person), s.Missing)));
        }
        return rows;
    }
}

/// <summary>
/// The judgements of a period summed per person and indicator: all the person and role tables need (a month's 1.4
/// million judgements come to a few thousand sums); the cases behind a figure are judged again when asked for.
/// </summary>
public sealed class JudgementTotals
{
    /// <summary>Per role and person, per indicator: how much counted and how much of it met the indicator.</summary>
    public Dictionary<(Role Role, string Person), Dictionary<string, (long Counted, long Met)>> ByPerson { get; } = [];

    public static JudgementTotals Of(IEnumerable<Judgement> judgements)
    {
        var totals = new JudgementTotals();
        foreach (var j in judgements) totals.Add(j.Role, j.Person, j.Indicator, j.Counted, j.Met);
        return totals;
    }

    private void Add(Role role, string person, string indicator, long counted, long met)
    {
        if (!ByPerson.TryGetValue((role, person), out var figures)) ByPerson[(role, person)] = figures = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var (n, m) = figures.GetValueOrDefault(indicator);
        figures[indicator] = (n + counted, m + met);
    }

    /// <summary>The same sums per role (the role's name as its person).</summary>
    public Dictionary<(Role Role, string Person), Dictionary<string, (long Counted, long Met)>> ByRole()
    {
        var roles = new JudgementTotals();
        foreach (var ((role, _), figures) in ByPerson)
            foreach (var (indicator, (counted, met)) in figures) roles.Add(role, RoleIndicators.Name(role), indicator, counted, met);
        return roles.ByPerson;
    }
}
