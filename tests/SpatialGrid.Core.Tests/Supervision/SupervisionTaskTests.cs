using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Supervision;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Core.Tests.Supervision;

public class SupervisionTaskTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static DateTimeOffset At(int hour, int minute = 0) => new(2026, 11, 24, hour, minute, 0, Cst);
    private static readonly WorkCalendar Calendar = new([], [], WorkCalendar.DefaultPeriods, Cst);
    private static readonly TaskFacts Assigned = new(TaskKind.Check, TaskState.Assigned, "w-near", At(10), At(11));

    [Fact]
    public void A_task_goes_to_the_nearest_supervisor_on_shift_and_one_without_a_fix_comes_last()
    {
        Assert.Equal("w-b", SupervisionTasks.Choose([new("w-a", null), new("w-c", 900), new("w-b", 120)]));
        Assert.Equal("w-a", SupervisionTasks.Choose([new("w-b", null), new("w-a", null)])); // ties by id
        Assert.Null(SupervisionTasks.Choose([])); // nobody on shift: the acceptor's queue
    }

    [Fact]
    public void Confirm_is_for_a_reported_case_and_check_for_a_handled_one()
    {
        Assert.Null(SupervisionTasks.Refusal(TaskKind.Confirm, CaseState.Reported));
        Assert.Null(SupervisionTasks.Refusal(TaskKind.Check, CaseState.Handled));
        Assert.Contains("before it is opened", SupervisionTasks.Refusal(TaskKind.Confirm, CaseState.Accepted));
        Assert.Contains("after the unit's handling feedback", SupervisionTasks.Refusal(TaskKind.Check, CaseState.Dispatched));
    }

    [Fact]
    public void The_deadline_and_colour_run_on_the_class_on_scene_clock()
    {
        var hour = new TimeLimit(60, ClockKind.Minutes);
        Assert.Equal(At(11), SupervisionTasks.DueAt(At(10), hour, Calendar));
        Assert.Equal(Colour.Green, SupervisionTasks.ColourAt(At(10), hour, At(10, 47), Calendar));
        Assert.Equal(Colour.Yellow, SupervisionTasks.ColourAt(At(10), hour, At(10, 48), Calendar)); // 80 % of 60 min
        Assert.Equal(Colour.Red, SupervisionTasks.ColourAt(At(10), hour, At(11), Calendar));
        // Two working hours sent at 11:00 on a working day: 11:00–12:00, then 13:30–14:30 after the lunch break.
        Assert.Equal(At(14, 30), SupervisionTasks.DueAt(At(11), new TimeLimit(2, ClockKind.WorkingHours), Calendar));
    }

    [Fact]
    public void A_task_moves_when_its_supervisor_is_off_shift_and_a_queued_one_when_someone_comes_on()
    {
        Assert.False(SupervisionTasks.NeedsRouting(Assigned, [new("w-near", 10)]));
        Assert.True(SupervisionTasks.NeedsRouting(Assigned, [new("w-far", 900)]));
        Assert.True(SupervisionTasks.NeedsRouting(Assigned, []));
        var queued = Assigned with { State = TaskState.Queued, Worker = null };
        Assert.False(SupervisionTasks.NeedsRouting(queued, []));
        Assert.True(SupervisionTasks.NeedsRouting(queued, [new("w-far", null)]));
        Assert.False(SupervisionTasks.NeedsRouting(Assigned with { State = TaskState.Answered }, []));
    }

    [Fact]
    public void A_passed_check_verifies_the_case_and_a_failed_one_sends_it_back()
    {
        var (passed, _) = SupervisionTasks.Answer(Assigned, "w-near", TaskOutcome.Passed, inGrid: true, At(10, 30));
        Assert.Equal(new AnswerDecision(TaskOutcome.Passed, true, CaseAction.Verify), passed);
        var (failed, _) = SupervisionTasks.Answer(Assigned, "w-near", TaskOutcome.Failed, inGrid: true, At(11, 30));
        Assert.Equal(new AnswerDecision(TaskOutcome.Failed, false, CaseAction.Rework), failed);
        var (confirmed, _) = SupervisionTasks.Answer(Assigned with { Kind = TaskKind.Confirm }, "w-near", TaskOutcome.Confirmed, inGrid: true, At(10, 30));
        Assert.Equal(new AnswerDecision(TaskOutcome.Confirmed, true, null), confirmed);
    }

    [Theory]
    [InlineData(TaskState.Assigned, "w-near", TaskOutcome.Passed, false, "answer-outside-grid", 422)]
    [InlineData(TaskState.Assigned, "w-other", TaskOutcome.Passed, true, "not-assigned", 409)]
    [InlineData(TaskState.Assigned, "w-near", TaskOutcome.Confirmed, true, "bad-outcome", 400)]
    [InlineData(TaskState.Answered, "w-near", TaskOutcome.Passed, true, "task-answered", 409)]
    [InlineData(TaskState.Queued, "w-near", TaskOutcome.Passed, true, "task-queued", 409)]
    public void Answers_are_refused_with_the_reason(TaskState state, string worker, TaskOutcome outcome, bool inGrid, string kind, int status)
    {
        var (decision, problem) = SupervisionTasks.Answer(Assigned with { State = state }, worker, outcome, inGrid, At(10, 30));
        Assert.Null(decision);
        Assert.Equal((kind, status), (problem!.Kind, problem.Status));
    }

    [Fact]
    public void The_seven_nodes_carry_their_times_and_evaluate_once_the_month_is_over()
    {
        var t = new NodeTimes(At(10), At(10, 5), At(10, 6), At(10, 20), At(10, 40), At(10, 50), At(11), CaseState.Closed);
        var monthEnd = new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cst);
        var during = CaseNodes.Of(t, monthEnd, At(18));
        Assert.Equal(CaseNodes.Names, during.Select(n => n.Name));
        Assert.Equal([At(10), At(10, 5), At(10, 6), At(10, 20), At(10, 40), At(11), null], during.Select(n => n.At));
        Assert.Equal(monthEnd, CaseNodes.Of(t, monthEnd, monthEnd.AddDays(2))[6].At);
        Assert.Null(CaseNodes.Of(t with { State = CaseState.Handled, ClosedAt = null }, monthEnd, monthEnd.AddDays(2))[6].At);
    }
}
