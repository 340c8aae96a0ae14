using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Core.Tests.Evaluation;

/// <summary>
/// The area and unit indicators on six fixed cases of November 2026, evaluated as of 1 December 00:00 (Shanghai).
/// Every expected number below was worked out by hand from this table:
///
/// | case | place                          | unit     | what happened                                                             |
/// |------|--------------------------------|----------|---------------------------------------------------------------------------|
/// | A1   | grid 310101001001001 (street 1)| 环卫所   | feedback 2 Nov 10:00 (due 12:00), closed 2 Nov 11:00 (due 3 Nov)          |
/// | A2   | grid 310101001001001 (street 1)| 环卫所   | reworked once, feedback 4 Nov 10:00 (due 12:00), closed 5 Nov (due 4 Nov) |
/// | A3   | grid 310101001001002 (street 1)| 城管中队 | dispatched, carried over once, no feedback (due 20 Nov), closing due 30 Nov |
/// | A4   | grid 310101001001002 (street 1)| 城管中队 | rejected                                                                  |
/// | A5   | grid 310101002001001 (street 2)| 环卫所   | accepted only; closing due 5 Dec, no feedback due yet                     |
/// | A6   | outside every grid (310101)    | 城管中队 | self-handled: closed at once                                              |
/// </summary>
public class AreaEvaluationTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static DateTimeOffset At(int month, int day, int hour = 0) => new(2026, month, day, hour, 0, 0, Cst);
    private static readonly DateTimeOffset AsOf = At(12, 1);
    private const string G1 = "310101001001001", G2 = "310101001001002", G3 = "310101002001001";

    private static readonly CaseFacts[] Cases =
    [
        new("A1", "310101", G1, "环卫所", CaseState.Closed, At(11, 2, 9), At(11, 2, 9), At(11, 2, 10), At(11, 2, 12), At(11, 2, 11), At(11, 3), 0, false),
        new("A2", "310101", G1, "环卫所", CaseState.Closed, At(11, 3, 9), At(11, 3, 9), At(11, 4, 10), At(11, 4, 12), At(11, 5), At(11, 4), 1, false),
        new("A3", "310101", G2, "城管中队", CaseState.Dispatched, At(11, 10), At(11, 10), null, At(11, 20), null, At(11, 30, 10), 0, true),
        new("A4", "310101", G2, "城管中队", CaseState.Rejected, At(11, 11), null, null, null, At(11, 11), At(11, 12), 0, false),
        new("A5", "310101", G3, "环卫所", CaseState.Accepted, At(11, 28), At(11, 28), null, null, null, At(12, 5), 0, false),
        new("A6", "310101", null, "城管中队", CaseState.Closed, At(11, 15), At(11, 15), At(11, 15), At(11, 16), At(11, 15), At(11, 18), 0, false),
    ];

    private static Figure F(EvaluationRow row, AreaIndicator i) => row.Figures[i];

    [Fact]
    public void Streets_are_counted_and_ranked_as_worked_out_by_hand()
    {
        var rows = AreaEvaluation.Evaluate(Cases, Grouping.Street, AsOf);
        // Ordered by on-time closure rank: 310101 (the case outside every grid) 1st, street 1 2nd, street 2 unranked.
        Assert.Equal(["310101", "310101001", "310101002"], rows.Select(r => r.Key));
        var (outside, s1, s2) = (rows[0], rows[1], rows[2]);

        // Street 1 = A1..A4. Opened: A1, A2, A3 of the four reported (A4 rejected).
        Assert.Equal(new Figure(3, 4, 3, 1), F(s1, AreaIndicator.Opened));
        // Closing due: A1, A2 closed; A3's deadline (30 Nov) passed. Closed: A1, A2 → 2/3.
        Assert.Equal(new Figure(2, 3, 0.6667, 2), F(s1, AreaIndicator.Closure));
        // On time: A1 only (A2 closed 5 Nov, due 4 Nov) → 1/3.
        Assert.Equal(new Figure(1, 3, 0.3333, 2), F(s1, AreaIndicator.OnTimeClosure));
        // Handled at least once: A1, A2 (A3 never gave feedback). Reworked: A2 → 1/2.
        Assert.Equal(new Figure(1, 2, 0.5, 2), F(s1, AreaIndicator.Rework));
        // Extension over opened: A3 → 1/3; street 2 and the outside row have 0 and share rank 1, so street 1 is 3rd.
        Assert.Equal(new Figure(1, 3, 0.3333, 3), F(s1, AreaIndicator.Extension));
        // Handling due: A1, A2 handled, A3's feedback due 20 Nov passed. On time: A1, A2 → 2/3.
        Assert.Equal(new Figure(2, 3, 0.6667, 2), F(s1, AreaIndicator.OnTimeHandling));

        // Street 2 = A5, accepted only: opened 1 of 1; nothing due yet, so no closure, rework or handling figure (null, unranked).
        Assert.Equal(new Figure(1, 1, 1, 2), F(s2, AreaIndicator.Opened));
        Assert.Equal(new Figure(0, 0, null, null), F(s2, AreaIndicator.Closure));
        Assert.Equal(new Figure(0, 0, null, null), F(s2, AreaIndicator.OnTimeClosure));
        Assert.Equal(new Figure(0, 0, null, null), F(s2, AreaIndicator.Rework));
        Assert.Equal(new Figure(0, 1, 0, 1), F(s2, AreaIndicator.Extension));
        Assert.Equal(new Figure(0, 0, null, null), F(s2, AreaIndicator.OnTimeHandling));

        // Outside = A6, self-handled and closed at once: every rate 1 (or 0 for rework and extension), all ranked 1st.
        Assert.Equal(new Figure(1, 1, 1, 2), F(outside, AreaIndicator.Opened));
        Assert.Equal(new Figure(1, 1, 1, 1), F(outside, AreaIndicator.Closure));
        Assert.Equal(new Figure(1, 1, 1, 1), F(outside, AreaIndicator.OnTimeClosure));
        Assert.Equal(new Figure(0, 1, 0, 1), F(outside, AreaIndicator.Rework));
        Assert.Equal(new Figure(0, 1, 0, 1), F(outside, AreaIndicator.Extension));
        Assert.Equal(new Figure(1, 1, 1, 1), F(outside, AreaIndicator.OnTimeHandling));
    }

    [Fact]
    public void Units_are_counted_and_ranked_as_worked_out_by_hand()
    {
        var rows = AreaEvaluation.Evaluate(Cases, Grouping.Unit, AsOf);
        // Both units close 1 of 2 due cases on time (rank 1 shared); 环卫所 opened more, so it comes first.
        Assert.Equal(["环卫所", "城管中队"], rows.Select(r => r.Key));
        var (sanitation, enforcement) = (rows[0], rows[1]);

        // 环卫所 = A1, A2, A5: opened 3/3; closing due A1, A2 (A5 due 5 Dec): closed 2/2, on time A1 1/2;
        // handled A1, A2, reworked A2 1/2; extended none 0/3; handling due A1, A2, both on time 2/2.
        Assert.Equal(new Figure(3, 3, 3, 1), F(sanitation, AreaIndicator.Opened));
        Assert.Equal(new Figure(2, 2, 1, 1), F(sanitation, AreaIndicator.Closure));
        Assert.Equal(new Figure(1, 2, 0.5, 1), F(sanitation, AreaIndicator.OnTimeClosure));
        Assert.Equal(new Figure(1, 2, 0.5, 2), F(sanitation, AreaIndicator.Rework));
        Assert.Equal(new Figure(0, 3, 0, 1), F(sanitation, AreaIndicator.Extension));
        Assert.Equal(new Figure(2, 2, 1, 1), F(sanitation, AreaIndicator.OnTimeHandling));

        // 城管中队 = A3, A4, A6: opened A3, A6 2/3; closing due A3, A6: closed A6 1/2, on time 1/2; handled A6 only, no rework 0/1;
        // extended A3 1/2; handling due A3 (20 Nov passed), A6: on time A6 1/2.
        Assert.Equal(new Figure(2, 3, 2, 2), F(enforcement, AreaIndicator.Opened));
        Assert.Equal(new Figure(1, 2, 0.5, 2), F(enforcement, AreaIndicator.Closure));
        Assert.Equal(new Figure(1, 2, 0.5, 1), F(enforcement, AreaIndicator.OnTimeClosure));
        Assert.Equal(new Figure(0, 1, 0, 1), F(enforcement, AreaIndicator.Rework));
        Assert.Equal(new Figure(1, 2, 0.5, 2), F(enforcement, AreaIndicator.Extension));
        Assert.Equal(new Figure(1, 2, 0.5, 2), F(enforcement, AreaIndicator.OnTimeHandling));
    }

    [Fact]
    public void The_cases_behind_a_figure_are_those_the_rule_counts()
    {
        // Street 1's on-time closure (1/3): counted A1, A2, A3, met A1 only.
        var street1 = Cases.Where(c => AreaEvaluation.KeyOf(c, Grouping.Street) == "310101001").ToList();
        var judged = street1.Select(c => (c.Number, J: AreaIndicators.Judge(AreaIndicator.OnTimeClosure, c, AsOf))).Where(x => x.J.Counted).ToList();
        Assert.Equal(["A1", "A2", "A3"], judged.Select(x => x.Number));
        Assert.Equal(["A1"], judged.Where(x => x.J.Met).Select(x => x.Number));
    }

    [Fact]
    public void A_period_with_no_cases_has_no_rows()
    {
        Assert.Empty(AreaEvaluation.Evaluate([], Grouping.Grid, AsOf));
    }

    [Fact]
    public void Grids_and_districts_take_the_whole_code_and_its_first_six_digits()
    {
        Assert.Equal(G1, AreaEvaluation.KeyOf(Cases[0], Grouping.Grid));
        Assert.Equal("310101001001", AreaEvaluation.KeyOf(Cases[0], Grouping.Community));
        Assert.Equal("310101", AreaEvaluation.KeyOf(Cases[0], Grouping.District));
        Assert.Equal("310101", AreaEvaluation.KeyOf(Cases[5], Grouping.Grid));
    }

    [Theory]
    [InlineData("2026-11", null, null, "2026-10-31T16:00:00+00:00", "2026-11-30T16:00:00+00:00")]
    [InlineData("2026-12", null, null, "2026-11-30T16:00:00+00:00", "2026-12-31T16:00:00+00:00")]
    [InlineData(null, null, null, "2026-10-31T16:00:00+00:00", "2026-11-30T16:00:00+00:00")] // now: 24 Nov
    [InlineData(null, "2026-11-01T00:00:00+08:00", "2026-11-08T00:00:00+08:00", "2026-10-31T16:00:00+00:00", "2026-11-07T16:00:00+00:00")]
    public void Periods_are_local_months_or_given_bounds(string? month, string? from, string? to, string start, string end)
    {
        var (period, problem) = EvaluationPeriod.Parse(month, from is null ? null : DateTimeOffset.Parse(from), to is null ? null : DateTimeOffset.Parse(to), At(11, 24, 10), Cst);
        Assert.Null(problem);
        Assert.Equal(DateTimeOffset.Parse(start), period!.From);
        Assert.Equal(DateTimeOffset.Parse(end), period.To);
    }

    [Theory]
    [InlineData("2026-13", null, null, "YYYY-MM")]
    [InlineData("2026-1", null, null, "YYYY-MM")]
    [InlineData("November", null, null, "YYYY-MM")]
    [InlineData("1999-12", null, null, "between 2000-01")]
    [InlineData("2026-11", "2026-11-01T00:00:00+08:00", null, "not both")]
    [InlineData(null, "2026-11-01T00:00:00+08:00", null, "go together")]
    [InlineData(null, "2026-11-08T00:00:00+08:00", "2026-11-01T00:00:00+08:00", "must be after")]
    [InlineData(null, "2024-01-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00", "at most 367 days")]
    public void Bad_periods_are_refused_with_the_reason(string? month, string? from, string? to, string reason)
    {
        var (period, problem) = EvaluationPeriod.Parse(month, from is null ? null : DateTimeOffset.Parse(from), to is null ? null : DateTimeOffset.Parse(to), At(11, 24, 10), Cst);
        Assert.Null(period);
        Assert.Contains(reason, problem);
    }
}
