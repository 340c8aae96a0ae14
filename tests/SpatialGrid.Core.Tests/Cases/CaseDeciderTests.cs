using CsCheck;
using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Core.Tests.Cases;

public class CaseDeciderTests
{
    private static readonly WorkCalendar Calendar = WorkCalendar.WeekendsOnly();

    // Tuesday 24 November 2026, 10:00 in the city (UTC+8).
    private static readonly DateTimeOffset Reported = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Reported.AddHours(1);

    private static readonly CaseLimits Limits = new(new TimeLimit(30, ClockKind.Minutes), new TimeLimit(2, ClockKind.RoundTheClockHours),
        new TimeLimit(4, ClockKind.WorkingHours), new TimeLimit(3, ClockKind.WorkingDays));

    private static CaseSnapshot Case(CaseState state, string? grid = "310101001001") =>
        new("310101-20261124-0001", state, 3, grid, Limits, Reported, Reported.AddMinutes(5)) { Unit = "Roads office" };

    /// <summary>A command carrying everything any action may ask for, so that only the state machine can refuse it.</summary>
    private static CaseCommand Complete(CaseAction action) => new(action, Now, "alice")
    {
        Note = "done", Unit = "Water office", LeadUnit = "Parks office", CoUnits = ["Police"], ReviewDate = new DateOnly(2026, 12, 1),
        Satisfaction = 4, Lon = 121.47, Lat = 31.23, PositionInGrid = true, Attachments = ["https://example.org/p.jpg"],
    };

    public static TheoryData<CaseState, CaseAction> EveryStateAndAction()
    {
        var data = new TheoryData<CaseState, CaseAction>();
        foreach (var s in Enum.GetValues<CaseState>())
        foreach (var a in Enum.GetValues<CaseAction>()) data.Add(s, a);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStateAndAction))]
    public void Every_action_from_every_state_is_decided_by_the_transition_table(CaseState state, CaseAction action)
    {
        var (decision, problem) = CaseDecider.Decide(Case(state), Complete(action), Now, Calendar);
        if (CaseStateMachine.TryApply(state, action, out var expected, out var error))
        {
            Assert.Null(problem);
            Assert.Equal(expected, decision!.Case.State);
            Assert.Equal(4u, decision.Case.Version);
            Assert.Equal(Now, decision.Case.LastStepAt);
            Assert.Equal(new CaseStep(Now, "alice", CaseNames.Name(action), state, expected, "done", decision.Step.Data), decision.Step);
            Assert.Equal(action == CaseAction.Verify, decision.ClearsDeviceAlarm);
            Assert.Equal(CaseTimeline.Deadlines(decision.Case.Times, Limits, Now, Calendar), decision.Deadlines);
        }
        else
        {
            Assert.Null(decision);
            Assert.Equal("illegal-transition", problem!.Kind);
            Assert.Equal(409, problem.Status);
            Assert.Equal(error, problem.Detail);
            Assert.Equal(CaseNames.Name(state), problem.Extensions!["state"]);
            Assert.Equal(CaseStateMachine.Allowed(state).Select(CaseNames.Name), (IEnumerable<string>)problem.Extensions["allowed"]!);
        }
    }

    [Fact]
    public void A_refused_step_names_the_state_and_what_is_allowed()
    {
        var (_, problem) = CaseDecider.Decide(Case(CaseState.Reported), Complete(CaseAction.Close), Now, Calendar);
        Assert.Equal("a reported case cannot be closed; allowed now: accept, reject", problem!.Detail);
    }

    [Fact]
    public void The_same_case_and_command_always_give_the_same_decision()
    {
        var first = CaseDecider.Decide(Case(CaseState.Accepted), Complete(CaseAction.Dispatch), Now, Calendar).Decision!;
        var second = CaseDecider.Decide(Case(CaseState.Accepted), Complete(CaseAction.Dispatch), Now, Calendar).Decision!;
        Assert.Equal(first.Step, second.Step);
        Assert.Equal(first.Deadlines, second.Deadlines);
        Assert.Equal(first.Case with { CoUnits = [] }, second.Case with { CoUnits = [] });
    }

    [Fact]
    public void Accepting_records_who_and_when()
    {
        var d = CaseDecider.Decide(Case(CaseState.Reported), Complete(CaseAction.Accept), Now, Calendar).Decision!;
        Assert.Equal((Now, "alice"), (d.Case.AcceptedAt!.Value, d.Case.AcceptedBy));
        Assert.Equal("""{"attachments":["https://example.org/p.jpg"]}""", d.Step.Data);
    }

    [Fact]
    public void Rejecting_needs_a_reason_and_ends_the_case()
    {
        var (_, problem) = CaseDecider.Decide(Case(CaseState.Reported), Complete(CaseAction.Reject) with { Note = " " }, Now, Calendar);
        Assert.Equal(("missing-reason", 400), (problem!.Kind, problem.Status));
        var d = CaseDecider.Decide(Case(CaseState.Reported), Complete(CaseAction.Reject), Now, Calendar).Decision!;
        Assert.Equal((CaseState.Rejected, Now), (d.Case.State, d.Case.ClosedAt!.Value));
        Assert.Null(d.Deadlines.RedAt);
    }

    [Fact]
    public void Dispatching_counts_each_dispatch_and_keeps_the_first_dispatcher_and_time()
    {
        var first = CaseDecider.Decide(Case(CaseState.Accepted), Complete(CaseAction.Dispatch) with { Unit = "  Water office " }, Now, Calendar).Decision!;
        Assert.Equal(("Water office", 1, Now, "alice"), (first.Case.Unit, first.Case.DispatchCount, first.Case.FirstDispatchedAt!.Value, first.Case.DispatchedBy));
        Assert.Equal("""{"unit":"Water office","attachments":["https://example.org/p.jpg"]}""", first.Step.Data);
        Assert.Equal(Now + TimeSpan.FromHours(2), first.Deadlines.ArrivalDue);

        var returned = CaseDecider.Decide(first.Case, Complete(CaseAction.Return) with { At = Now.AddMinutes(1) }, Now.AddMinutes(1), Calendar).Decision!;
        Assert.Equal((CaseState.Accepted, 1, (DateTimeOffset?)null), (returned.Case.State, returned.Case.ReturnCount, returned.Case.DispatchedAt));

        var later = Now.AddMinutes(2);
        var again = CaseDecider.Decide(returned.Case, new CaseCommand(CaseAction.Dispatch, later, "bob"), later, Calendar).Decision!;
        Assert.Equal(("Water office", 2, Now, "alice", later), (again.Case.Unit, again.Case.DispatchCount, again.Case.FirstDispatchedAt!.Value, again.Case.DispatchedBy, again.Case.DispatchedAt!.Value));
    }

    [Fact]
    public void Escalating_needs_a_lead_unit_which_takes_the_case()
    {
        var (_, problem) = CaseDecider.Decide(Case(CaseState.Accepted), Complete(CaseAction.Escalate) with { LeadUnit = null }, Now, Calendar);
        Assert.Equal("missing-lead-unit", problem!.Kind);
        var d = CaseDecider.Decide(Case(CaseState.Dispatched) with { DispatchedAt = Reported }, Complete(CaseAction.Escalate), Now, Calendar).Decision!;
        Assert.Equal(("Parks office", "Parks office", "Police", (DateTimeOffset?)null), (d.Case.Unit, d.Case.LeadUnit, d.Case.CoUnits.Single(), d.Case.DispatchedAt));
        Assert.Equal("""{"leadUnit":"Parks office","coUnits":["Police"],"attachments":["https://example.org/p.jpg"]}""", d.Step.Data);
    }

    [Fact]
    public void Handling_feedback_needs_a_note()
    {
        var (_, problem) = CaseDecider.Decide(Case(CaseState.OnScene), Complete(CaseAction.Feedback) with { Note = null }, Now, Calendar);
        Assert.Equal(("missing-note", 400), (problem!.Kind, problem.Status));
        Assert.Equal(Now, CaseDecider.Decide(Case(CaseState.OnScene), Complete(CaseAction.Feedback), Now, Calendar).Decision!.Case.HandledAt);
    }

    [Fact]
    public void Verifying_needs_a_position_inside_the_grid_unless_the_case_lies_outside_every_grid()
    {
        var handled = Case(CaseState.Handled);
        Assert.Equal("missing-position", CaseDecider.Decide(handled, Complete(CaseAction.Verify) with { Lon = null }, Now, Calendar).Problem!.Kind);
        Assert.Equal("missing-position", CaseDecider.Decide(handled, Complete(CaseAction.Verify) with { Lat = double.NaN }, Now, Calendar).Problem!.Kind);
        var outside = CaseDecider.Decide(handled, Complete(CaseAction.Verify) with { PositionInGrid = false }, Now, Calendar).Problem!;
        Assert.Equal(("verifier-outside-grid", 422), (outside.Kind, outside.Status));
        Assert.Equal("the verifier at (121.47, 31.23) is not inside grid 310101001001; verification is done on site", outside.Detail);

        var gridless = CaseDecider.Decide(Case(CaseState.Handled, grid: null), Complete(CaseAction.Verify) with { PositionInGrid = false }, Now, Calendar).Decision!;
        Assert.Equal(Now, gridless.Case.VerifiedAt);
        Assert.Equal("""{"lon":121.47,"lat":31.23,"attachments":["https://example.org/p.jpg"]}""", gridless.Step.Data);
        Assert.True(gridless.ClearsDeviceAlarm);
    }

    [Fact]
    public void Rework_sends_the_case_back_to_the_unit_with_its_clocks_restarted()
    {
        var verified = Case(CaseState.Verified) with { DispatchedAt = Reported, ArrivedAt = Reported, HandledAt = Reported, VerifiedAt = Reported, ReworkCount = 1 };
        var d = CaseDecider.Decide(verified, Complete(CaseAction.Rework), Now, Calendar).Decision!;
        Assert.Equal((CaseState.Dispatched, 2, Now), (d.Case.State, d.Case.ReworkCount, d.Case.DispatchedAt!.Value));
        Assert.Equal((null, null, null), (d.Case.ArrivedAt, d.Case.HandledAt, d.Case.VerifiedAt));
        Assert.Equal(Now + TimeSpan.FromHours(2), d.Deadlines.ArrivalDue);
    }

    [Fact]
    public void A_supervision_task_answer_records_its_task_and_position()
    {
        var step = new CaseCommand(CaseAction.Rework, Now, "sup-1") { Lon = 121.47, Lat = 31.23, PositionInGrid = true, Task = 42 };
        var d = CaseDecider.Decide(Case(CaseState.Handled), step, Now, Calendar).Decision!;
        Assert.Equal("""{"task":42,"lon":121.47,"lat":31.23,"attachments":[]}""", d.Step.Data);
        var verify = CaseDecider.Decide(Case(CaseState.Handled), step with { Action = CaseAction.Verify }, Now, Calendar).Decision!;
        Assert.Equal("""{"task":42,"lon":121.47,"lat":31.23,"attachments":[]}""", verify.Step.Data);
        Assert.Equal("sup-1", verify.Step.By);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Closing_takes_a_rating_from_1_to_5(int rating)
    {
        var (_, problem) = CaseDecider.Decide(Case(CaseState.Verified), Complete(CaseAction.Close) with { Satisfaction = rating }, Now, Calendar);
        Assert.Equal(("bad-satisfaction", 400), (problem!.Kind, problem.Status));
    }

    [Fact]
    public void Closing_records_the_rating_and_who_closed()
    {
        var d = CaseDecider.Decide(Case(CaseState.Verified), Complete(CaseAction.Close) with { Satisfaction = null }, Now, Calendar).Decision!;
        Assert.Equal((CaseState.Closed, (int?)null, Now, "alice"), (d.Case.State, d.Case.Satisfaction, d.Case.ClosedAt!.Value, d.Case.ClosedBy));
        Assert.Equal(((DateTimeOffset?)null, (DateTimeOffset?)null), (d.Deadlines.YellowAt, d.Deadlines.RedAt));
    }

    [Fact]
    public void Carrying_over_needs_a_review_date_after_the_local_today()
    {
        // 16:30 UTC on the 24th is already 00:30 on the 25th in the city: the 25th is not in the future there.
        var lateEvening = new DateTimeOffset(2026, 11, 24, 16, 30, 0, TimeSpan.Zero);
        var accepted = Case(CaseState.Accepted);
        var today = CaseDecider.Decide(accepted, Complete(CaseAction.CarryOver) with { At = lateEvening, ReviewDate = new DateOnly(2026, 11, 25) }, lateEvening, Calendar);
        Assert.Equal("missing-review-date", today.Problem!.Kind);
        var d = CaseDecider.Decide(accepted, Complete(CaseAction.CarryOver) with { At = lateEvening, ReviewDate = new DateOnly(2026, 11, 26) }, lateEvening, Calendar).Decision!;
        Assert.Equal((CaseState.CarriedOver, new DateOnly(2026, 11, 26)), (d.Case.State, d.Case.ReviewDate!.Value));
        Assert.Equal("""{"reviewDate":"2026-11-26","attachments":["https://example.org/p.jpg"]}""", d.Step.Data);
        Assert.Null(d.Deadlines.RedAt);
    }

    [Fact]
    public void Resuming_dispatches_the_case_again_from_now()
    {
        var carried = Case(CaseState.CarriedOver) with { ReviewDate = new DateOnly(2026, 11, 26), DispatchedAt = Reported, ArrivedAt = Reported };
        var d = CaseDecider.Decide(carried, Complete(CaseAction.Resume), Now, Calendar).Decision!;
        Assert.Equal((CaseState.Dispatched, (DateOnly?)null, Now, (DateTimeOffset?)null), (d.Case.State, d.Case.ReviewDate, d.Case.DispatchedAt!.Value, d.Case.ArrivedAt));
    }

    [Theory]
    [InlineData(CaseAction.Arrive, true)]
    [InlineData(CaseAction.Feedback, true)]
    [InlineData(CaseAction.Verify, true)]
    [InlineData(CaseAction.Accept, false)]
    [InlineData(CaseAction.Dispatch, false)]
    [InlineData(CaseAction.Rework, false)]
    [InlineData(CaseAction.Close, false)]
    public void A_patrol_in_the_field_arrives_gives_feedback_and_verifies_only(CaseAction action, bool allowed)
    {
        // Refused for its authority before its state is looked at: a patrol learns nothing of what the case allows.
        var (_, problem) = CaseDecider.Decide(Case(CaseState.Closed), Complete(action) with { Authority = Authority.Field }, Now, Calendar);
        Assert.Equal(allowed ? "illegal-transition" : "forbidden", problem!.Kind);
        if (!allowed)
            Assert.Equal((403, $"only a dispatcher may {CaseNames.Name(action)} a case; a patrol may arrive, give feedback and verify"), (problem.Status, problem.Detail));
    }

    [Fact]
    public void A_step_against_another_version_is_a_conflict()
    {
        var (_, problem) = CaseDecider.Decide(Case(CaseState.Reported), Complete(CaseAction.Accept) with { ExpectedVersion = 2 }, Now, Calendar);
        Assert.Equal(("version-conflict", 409, "case 310101-20261124-0001 changed since version 2 (now 3); reload it and try again"), (problem!.Kind, problem.Status, problem.Detail));
        Assert.NotNull(CaseDecider.Decide(Case(CaseState.Reported), Complete(CaseAction.Accept) with { ExpectedVersion = 3 }, Now, Calendar).Decision);
    }

    [Fact]
    public void A_step_is_not_recorded_before_the_last_one()
    {
        var early = Reported.AddMinutes(4);
        var (_, problem) = CaseDecider.Decide(Case(CaseState.Reported), Complete(CaseAction.Accept) with { At = early }, Now, Calendar);
        Assert.Equal(("time-before-history", 400), (problem!.Kind, problem.Status));
        var (atLast, _) = CaseDecider.Decide(Case(CaseState.Reported), Complete(CaseAction.Accept) with { At = Reported.AddMinutes(5) }, Now, Calendar);
        Assert.NotNull(atLast);
    }
}

/// <summary>The decider driven by generated command sequences: whatever is asked, the case stays consistent.</summary>
public class CaseDeciderSequenceTests
{
    private static readonly WorkCalendar Calendar = WorkCalendar.WeekendsOnly();
    private static readonly DateTimeOffset Reported = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    /// <summary>A command with its time as minutes after the case's last step (a few minutes before it, now and then), complete or lacking what it needs.</summary>
    private static readonly Gen<(CaseCommand Command, int Minutes)> Command =
        Gen.Select(Gen.Enum<CaseAction>(), Gen.Int[-5, 240], Gen.Bool, Gen.Bool, (action, minutes, complete, field) =>
            (new CaseCommand(action, Reported, "alice", field ? Authority.Field : Authority.Centre)
            {
                Note = complete ? "done" : null, LeadUnit = complete ? "Parks office" : null, Satisfaction = complete ? 5 : 9,
                ReviewDate = complete ? new DateOnly(2027, 1, 1) : null, Lon = complete ? 121.47 : null, Lat = 31.23, PositionInGrid = complete,
            }, minutes));

    [Fact]
    public void No_command_sequence_takes_a_case_where_the_transition_table_does_not_lead()
    {
        Command.Array[1, 40].Sample(commands =>
        {
            var c = new CaseSnapshot("310101-20261124-0001", CaseState.Reported, 1, "310101001001",
                new CaseLimits(new TimeLimit(30, ClockKind.Minutes), new TimeLimit(2, ClockKind.RoundTheClockHours), new TimeLimit(4, ClockKind.WorkingHours),
                    new TimeLimit(3, ClockKind.WorkingDays)), Reported, Reported) { Unit = "Roads office" };
            foreach (var (generated, minutes) in commands)
            {
                var cmd = generated with { At = c.LastStepAt.AddMinutes(minutes) };
                var now = cmd.At.AddMinutes(1);
                var (decision, problem) = CaseDecider.Decide(c, cmd, now, Calendar);
                if (problem is not null)
                {
                    Assert.Null(decision);
                    Assert.True(problem.Kind != "time-before-history" || minutes < 0);
                    continue;
                }
                var next = decision!.Case;
                Assert.True(CaseStateMachine.TryApply(c.State, cmd.Action, out var expected, out _));
                Assert.Equal(expected, next.State);
                Assert.Equal(c.Version + 1, next.Version);
                Assert.True(next.LastStepAt >= c.LastStepAt);
                // Where the case stands agrees with the moments recorded on it.
                if (next.State is CaseState.Closed or CaseState.Rejected) Assert.NotNull(next.ClosedAt);
                if (next.State is CaseState.Dispatched or CaseState.OnScene or CaseState.Handled or CaseState.Verified) Assert.NotNull(next.DispatchedAt);
                if (next.State is CaseState.OnScene or CaseState.Handled) Assert.NotNull(next.ArrivedAt);
                if (next.State == CaseState.Verified) Assert.NotNull(next.VerifiedAt);
                if (next.FirstDispatchedAt is { } first) Assert.True(next.DispatchCount >= 1 && first <= next.LastStepAt);
                Assert.Equal(CaseStateMachine.IsOpen(next.State) && next.State != CaseState.CarriedOver, decision.Deadlines.RedAt is not null);
                c = next;
            }
        });
    }
}
