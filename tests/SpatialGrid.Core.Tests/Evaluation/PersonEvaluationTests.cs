using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Evaluation;
using SpatialGrid.Core.Supervision;

namespace SpatialGrid.Core.Tests.Evaluation;

/// <summary>
/// The role indicators, composites and grades on five cases and three tasks of Tuesday 24 November 2026 in grid G1,
/// evaluated as of 1 December. w1 is on shift in G1 08:00–17:00; w2 has no shift. Dispatch limit 10 minutes.
///
/// | case | reported | by / channel          | story                                                                          |
/// |------|----------|-----------------------|--------------------------------------------------------------------------------|
/// | P1   | 10:00    | w1 (supervisor)       | opened 10:05 by leader, dispatched 10:06 by desk, closed 11:00 by leader (due 15:30) |
/// | P2   | 10:15    | w1 (supervisor)       | rejected                                                                        |
/// | P3   | 12:00    | acceptor-a (public)   | opened 12:20 by leader (late), dispatched 12:25 by desk (late), twice, one return |
/// | P4   | 18:00    | w2 (supervisor)       | opened 18:05 by leader                                                          |
/// | P5   | 11:00    | gw (device)           | opened 11:05 by leader                                                          |
///
/// Tasks: T1 confirm P1 to w1 sent on time by acceptor-a, answered on time; T2 check P1 to w1 sent late by acceptor-a,
/// answered late; T3 confirm P3 to w1 sent on time by acceptor-b, never answered (due 13:00).
/// </summary>
public class PersonEvaluationTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static DateTimeOffset At(int hour, int minute = 0) => new(2026, 11, 24, hour, minute, 0, Cst);
    private static readonly DateTimeOffset AsOf = new(2026, 12, 1, 0, 0, 0, Cst);
    private const string G1 = "310101001001001";

    private static PersonCaseFacts Case(string n, DateTimeOffset reported, IntakeChannel channel, string? worker, string by, CaseState state,
        DateTimeOffset? accepted = null, DateTimeOffset? dispatched = null, int dispatches = 0, int returns = 0, DateTimeOffset? closed = null, bool device = false) =>
        new(n, G1, channel, device, state, reported, worker, by, accepted, accepted is null ? null : "leader", reported.AddMinutes(10), dispatched,
            dispatched is null ? null : "desk", dispatches, returns, closed, closed is null ? null : "leader", At(15, 30));

    private static readonly PersonCaseFacts[] Cases =
    [
        Case("P1", At(10), IntakeChannel.Supervisor, "w1", "phone", CaseState.Closed, At(10, 5), At(10, 6), 1, 0, At(11)),
        Case("P2", At(10, 15), IntakeChannel.Supervisor, "w1", "phone", CaseState.Rejected),
        Case("P3", At(12), IntakeChannel.Public, null, "acceptor-a", CaseState.Dispatched, At(12, 20), At(12, 25), 2, 1),
        Case("P4", At(18), IntakeChannel.Supervisor, "w2", "phone", CaseState.Accepted, At(18, 5)),
        Case("P5", At(11), IntakeChannel.Video, null, "gw", CaseState.Accepted, At(11, 5), device: true),
    ];

    private static readonly PersonTaskFacts[] Tasks =
    [
        new("P1", TaskKind.Confirm, "w1", "acceptor-a", true, At(11), true, true),
        new("P1", TaskKind.Check, "w1", "acceptor-a", false, At(11, 40), true, false),
        new("P3", TaskKind.Confirm, "w1", "acceptor-b", true, At(13), false, null),
    ];

    private static readonly ShiftSpan[] Shifts = [new("w1", [G1], At(8), At(17))];

    private static IReadOnlyList<PersonRow> Rows(string? weights = null, bool byRole = false) =>
        PersonEvaluation.Evaluate(PersonEvaluation.Judge(Cases, Tasks, Shifts, AsOf).ToList(), RoleIndicators.Parse(weights).Weights!, byRole);

    private static PersonRow Row(IReadOnlyList<PersonRow> rows, string person) => rows.Single(r => r.Person == person);

    [Fact]
    public void Supervisors_are_scored_and_graded_as_worked_out_by_hand()
    {
        var w1 = Row(Rows(), "w1");
        Assert.Equal(new Figure(1, 2, 0.5, 2), w1.Figures["valid-report"]);   // P1 opened of P1, P2 decided; w2's 1.0 ranks first
        Assert.Equal(new Figure(1, 2, 0.5, 1), w1.Figures["missed-report"]);  // P1, P3 in G1 in the shift (P2 rejected, P4 after it, P5 a device): P3 missed
        Assert.Equal(new Figure(1, 2, 0.5, 1), w1.Figures["on-time-confirm"]); // T1 on time; T3 overdue, unanswered
        Assert.Equal(new Figure(0, 1, 0, 1), w1.Figures["on-time-check"]);    // T2 late
        // 50 × 40 % + (100 − 50) × 20 % + 50 × 20 % + 0 × 20 % = 40.0 → D.
        Assert.Equal((40.0, "D", 2), (w1.Score, w1.Grade, w1.Rank));
        Assert.Empty(w1.Missing);

        // A person with no shift and no task: only the valid-report rate (P4, 1/1) has data; its weight scaled to 100 % → 100 → A, the rest named missing.
        var w2 = Row(Rows(), "w2");
        Assert.Equal((100.0, "A", 1), (w2.Score, w2.Grade, w2.Rank));
        Assert.Equal(["missed-report", "on-time-confirm", "on-time-check"], w2.Missing);
        Assert.Equal(new Figure(0, 0, null, null), w2.Figures["missed-report"]);
    }

    [Fact]
    public void Acceptors_shift_leaders_and_dispatchers_are_scored_as_worked_out_by_hand()
    {
        var rows = Rows();
        // acceptor-a: recorded P3 (1, the most: 100) × 25 % + T1 sent on time (100) × 40 % + T2 late (0) × 35 % = 65.0 → C.
        var a = Row(rows, "acceptor-a");
        Assert.Equal(new Figure(1, 1, 1, 1), a.Figures["accepted"]);
        Assert.Equal((65.0, "C", 2), (a.Score, a.Grade, a.Rank));
        // acceptor-b: T3 on time only → 100.0 → A; recorded nothing and sent no check.
        var b = Row(rows, "acceptor-b");
        Assert.Equal((100.0, "A", 1), (b.Score, b.Grade, b.Rank));
        Assert.Equal(["accepted", "on-time-check-dispatch"], b.Missing);
        Assert.DoesNotContain(rows, r => r.Person is "gw" or "phone"); // devices and supervisors' phones do not accept calls

        // leader opened P1 10:05, P3 12:20 (late), P4 18:05, P5 11:05 → 3/4; not returned: all but P3 → 3/4; closed P1 on time → 1/1.
        // 75 × 25 % + 75 × 40 % + 100 × 35 % = 83.75 → 83.8 → B.
        var leader = Row(rows, "leader");
        Assert.Equal(new Figure(3, 4, 0.75, 1), leader.Figures["on-time-opening"]);
        Assert.Equal(new Figure(3, 4, 0.75, 1), leader.Figures["accurate-opening"]);
        Assert.Equal(new Figure(1, 1, 1, 1), leader.Figures["on-time-closing"]);
        Assert.Equal((83.8, "B"), (leader.Score, leader.Grade));

        // desk dispatched P1 once and P3 twice (3, the most: 100); first dispatch on time: P1 → 1/2; not returned: 1 + (2 − 1) of 3 → 0.6667.
        // 100 × 20 % + 50 × 40 % + 66.67 × 40 % = 66.668 → 66.7 → C.
        var desk = Row(rows, "desk");
        Assert.Equal(new Figure(3, 3, 3, 1), desk.Figures["dispatches"]);
        Assert.Equal(new Figure(1, 2, 0.5, 1), desk.Figures["on-time-dispatch"]);
        Assert.Equal(new Figure(2, 3, 0.6667, 1), desk.Figures["accurate-dispatch"]);
        Assert.Equal((66.7, "C"), (desk.Score, desk.Grade));
    }

    [Fact]
    public void A_role_row_adds_up_its_people()
    {
        var supervisor = Rows(byRole: true).Single(r => r.Role == Role.Supervisor);
        Assert.Equal("supervisor", supervisor.Person);
        // Valid reports P1, P4 of P1, P2, P4 → 0.6667; the rest as w1's. 66.67 × 40 % + 50 × 20 % + 50 × 20 % + 0 = 46.668 → 46.7 → D.
        Assert.Equal(new Figure(2, 3, 0.6667, 1), supervisor.Figures["valid-report"]);
        Assert.Equal((46.7, "D"), (supervisor.Score, supervisor.Grade));
    }

    [Fact]
    public void Weights_given_replace_the_defaults_of_their_role()
    {
        // w1 with 70/10/10/10: 50 × 70 % + 50 × 10 % + 50 × 10 % + 0 = 45.0 → D.
        var w1 = Row(Rows("valid-report:70,missed-report:10,on-time-confirm:10,on-time-check:10"), "w1");
        Assert.Equal((45.0, "D"), (w1.Score, w1.Grade));
    }

    [Theory]
    [InlineData("valid-report:50,missed-report:20,on-time-confirm:20,on-time-check:20", "add up to 110 %")]
    [InlineData("valid-report:50", "add up to 50 %")]
    [InlineData("speed:100", "'speed:100' is not one")]
    [InlineData("valid-report:x", "percentage from 0 to 100")]
    [InlineData("valid-report:40,valid-report:60", "given twice")]
    public void Weights_that_do_not_add_up_to_100_are_refused_with_the_reason(string weights, string reason)
    {
        var (parsed, problem) = RoleIndicators.Parse(weights);
        Assert.Null(parsed);
        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData(90, "A")]
    [InlineData(89.9, "B")]
    [InlineData(75, "B")]
    [InlineData(60, "C")]
    [InlineData(40, "D")]
    [InlineData(39.9, "E")]
    public void Grades_follow_the_standard_bands(double score, string grade) => Assert.Equal(grade, RoleIndicators.Grade(score));

    [Fact]
    public void Missed_reports_name_the_workers_on_shift_for_the_grid_at_the_report_as_the_rule_says_whatever_the_roster()
    {
        // Random rosters (day, night past midnight, short and overlapping shifts, several grids each, a worker twice on one
        // grid) against the rule as written: every worker with a shift listing the case's grid with From <= reported < To,
        // once, in roster order. The index (sorted starts, walk back by the longest shift) must agree on every case.
        var rng = new Random(22);
        string[] grids = ["G1", "G2", "G3", "G4"];
        for (var round = 0; round < 50; round++)
        {
            var shifts = Enumerable.Range(0, rng.Next(0, 40)).Select(_ =>
            {
                var from = At(0).AddMinutes(rng.Next(-24 * 60, 3 * 24 * 60));
                return new ShiftSpan($"w{rng.Next(8)}", grids.Where(_ => rng.Next(3) == 0).ToArray(), from, from.AddMinutes(rng.Next(1, 16 * 60)));
            }).ToList();
            var cases = Enumerable.Range(0, 60).Select(i => Case($"C{i}", At(0).AddMinutes(rng.Next(-60, 3 * 24 * 60)), IntakeChannel.Public, null, "desk",
                CaseState.Accepted) with { GridCode = grids[rng.Next(grids.Length)] }).ToList();
            var judged = PersonEvaluation.Judge(cases, [], shifts, AsOf).Where(j => j.Indicator == "missed-report")
                .Select(j => (j.CaseNumber, j.Person)).ToList();
            var rule = cases.SelectMany(c => shifts.Where(s => s.Grids.Contains(c.GridCode!) && s.From <= c.ReportedAt && c.ReportedAt < s.To)
                .Select(s => s.Worker).Distinct().Select(w => (c.Number, w))).ToList();
            Assert.Equal(rule, judged);
        }
    }
}
