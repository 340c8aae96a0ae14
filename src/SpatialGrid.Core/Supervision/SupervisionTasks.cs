using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Core.Supervision;

/// <summary>The supervision centre's two field tasks: confirm a report on the scene (核实), check a unit's fix on site (核查).</summary>
public enum TaskKind
{
    Confirm = 1,
    Check = 2,
}

/// <summary>Assigned to a supervisor, waiting in the acceptor's queue (nobody on shift for the grid), or answered.</summary>
public enum TaskState
{
    Assigned = 1,
    Queued = 2,
    Answered = 3,
}

/// <summary>A confirm task is confirmed or not (the report is true or not); a check task passes or fails (rework).</summary>
public enum TaskOutcome
{
    Confirmed = 1,
    NotConfirmed = 2,
    Passed = 3,
    Failed = 4,
}

/// <summary>A supervisor on shift for the task's grid, and how far their last live fix is from the case (null: no fix).</summary>
public sealed record Candidate(string Worker, double? MetresAway);

/// <summary>A task as the decisions see it.</summary>
public sealed record TaskFacts(TaskKind Kind, TaskState State, string? Worker, DateTimeOffset SentAt, DateTimeOffset DueAt);

/// <summary>What an answer changes: the task's outcome, whether it came in time, and the case action that follows (a passed check verifies, a failed one sends back for rework).</summary>
public sealed record AnswerDecision(TaskOutcome Outcome, bool OnTime, CaseAction? CaseAction);

/// <summary>A refusal: a stable kind, the HTTP status it is answered with, and what to do.</summary>
public sealed record TaskProblem(string Kind, int Status, string Detail);

/// <summary>
/// Pure rules of the confirm and check tasks: which case may get which task, who it goes to, its deadline and colour on
/// the class's clock, and whether an answer is accepted.
/// </summary>
public static class SupervisionTasks
{
    public static string Name(TaskKind k) => k == TaskKind.Confirm ? "confirm" : "check";
    public static string Name(TaskState s) => s.ToString().ToLowerInvariant();

    public static string Name(TaskOutcome o) => o switch
    {
        TaskOutcome.Confirmed => "confirmed",
        TaskOutcome.NotConfirmed => "not-confirmed",
        TaskOutcome.Passed => "passed",
        _ => "failed",
    };

    public static bool TryParse(string? text, out TaskKind kind)
    {
        kind = text switch { "confirm" => TaskKind.Confirm, "check" => TaskKind.Check, _ => 0 };
        return kind != 0;
    }

    public static bool TryParse(string? text, out TaskOutcome outcome)
    {
        outcome = Enum.GetValues<TaskOutcome>().FirstOrDefault(o => Name(o) == text);
        return outcome != 0;
    }

    /// <summary>Why a case in this state cannot get this task (null: it can). Confirm before opening; check after the unit's feedback.</summary>
    public static string? Refusal(TaskKind kind, CaseState state) => (kind, state) switch
    {
        (TaskKind.Confirm, CaseState.Reported) => null,
        (TaskKind.Check, CaseState.Handled) => null,
        (TaskKind.Confirm, _) => $"a confirm task is sent for a reported case, before it is opened; this case is {CaseNames.Name(state)}",
        _ => $"a check task is sent after the unit's handling feedback; this case is {CaseNames.Name(state)}",
    };

    /// <summary>
    /// The supervisor a task goes to: the nearest of those on shift for the grid (by their last live fix; one without a
    /// fix comes after those with one), ties by id so the choice is repeatable; null sends it to the acceptor's queue.
    /// </summary>
    public static string? Choose(IReadOnlyList<Candidate> onShift, string? except = null) =>
        onShift.Where(c => c.Worker != except)
            .OrderBy(c => c.MetresAway is null).ThenBy(c => c.MetresAway).ThenBy(c => c.Worker, StringComparer.Ordinal)
            .Select(c => c.Worker).FirstOrDefault();

    /// <summary>The deadline: the class's on-scene limit (the supervisor goes to the scene), on its own clock, from when the task was sent.</summary>
    public static DateTimeOffset DueAt(DateTimeOffset sentAt, TimeLimit onScene, WorkCalendar calendar) =>
        CaseClock.DueAt(new StageLimit(Stage.Arrival, sentAt, onScene), calendar);

    /// <summary>
    /// Whether the acceptor sent the task in time: within the class's dispatch limit of what calls for it (the report for a
    /// confirm task, the unit's feedback for a check task). The acceptor's on-time confirm and check dispatch are counted on it.
    /// </summary>
    public static bool SentOnTime(TaskKind kind, DateTimeOffset reportedAt, DateTimeOffset? handledAt, TimeLimit dispatch, DateTimeOffset sentAt, WorkCalendar calendar) =>
        sentAt <= CaseClock.DueAt(new StageLimit(Stage.Dispatch, kind == TaskKind.Confirm ? reportedAt : handledAt ?? sentAt, dispatch), calendar);

    /// <summary>Green, yellow (80 % of the time used) or red, on the same clock; an answered task keeps the colour it was answered in.</summary>
    public static Colour ColourAt(DateTimeOffset sentAt, TimeLimit onScene, DateTimeOffset at, WorkCalendar calendar) =>
        CaseClock.ColourOf(CaseClock.Used(new StageLimit(Stage.Arrival, sentAt, onScene), at, calendar));

    /// <summary>Whether a running task must move: its supervisor is no longer on shift for the grid (or it waits in the queue and someone is now).</summary>
    public static bool NeedsRouting(TaskFacts task, IReadOnlyList<Candidate> onShift) => task.State switch
    {
        TaskState.Assigned => onShift.All(c => c.Worker != task.Worker),
        TaskState.Queued => onShift.Count > 0,
        _ => false,
    };

    /// <summary>
    /// An answer from the field: only the supervisor the task is assigned to, only once, only from inside the grid
    /// (as the verify of a case), and with an outcome of the task's kind.
    /// </summary>
    public static (AnswerDecision? Decision, TaskProblem? Problem) Answer(TaskFacts task, string worker, TaskOutcome outcome, bool inGrid, DateTimeOffset at)
    {
        if (task.State == TaskState.Answered) return (null, new TaskProblem("task-answered", 409, "the task has been answered already"));
        if (task.State == TaskState.Queued)
            return (null, new TaskProblem("task-queued", 409, "the task waits in the acceptor's queue: nobody on shift was given it; it is routed when a supervisor comes on shift"));
        if (task.Worker != worker)
            return (null, new TaskProblem("not-assigned", 409, $"the task is assigned to another supervisor, not to '{(worker.Length > 64 ? worker[..64] : worker)}'"));
        var fits = task.Kind == TaskKind.Confirm ? outcome is TaskOutcome.Confirmed or TaskOutcome.NotConfirmed : outcome is TaskOutcome.Passed or TaskOutcome.Failed;
        if (!fits)
            return (null, new TaskProblem("bad-outcome", 400, task.Kind == TaskKind.Confirm ? "a confirm task is answered confirmed or not-confirmed" : "a check task is answered passed or failed"));
        if (!inGrid) return (null, new TaskProblem("answer-outside-grid", 422, "the answer comes from outside the case's grid; confirming and checking are done on site"));
        CaseAction? follows = outcome switch { TaskOutcome.Passed => CaseAction.Verify, TaskOutcome.Failed => CaseAction.Rework, _ => null };
        return (new AnswerDecision(outcome, at <= task.DueAt, follows), null);
    }
}
