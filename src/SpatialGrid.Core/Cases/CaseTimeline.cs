using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Core.Cases;

/// <summary>The limits a case was opened under.</summary>
public sealed record CaseLimits(TimeLimit Dispatch, TimeLimit Arrival, TimeLimit Feedback, TimeLimit Close);

/// <summary>The moments that start and end a case's stages.</summary>
public sealed record CaseTimes(CaseState State, DateTimeOffset ReportedAt, DateTimeOffset? DispatchedAt, DateTimeOffset? ArrivedAt, DateTimeOffset? HandledAt, DateTimeOffset? ClosedAt);

/// <summary>One stage as seen at a moment: its deadline, whether it is running, the share used and its colour.</summary>
public sealed record StageStatus(Stage Stage, DateTimeOffset Start, DateTimeOffset Due, DateTimeOffset? EndedAt, bool Running, double Used, Colour Colour, DateTimeOffset YellowAt)
{
    public bool OnTime => EndedAt is { } end && end <= Due;
}

/// <summary>A case's deadlines as of a moment, the instants it turns yellow and red (null: no stage runs), and its colour then.</summary>
public sealed record CaseDeadlines(DateTimeOffset DispatchDue, DateTimeOffset? ArrivalDue, DateTimeOffset? FeedbackDue, DateTimeOffset CloseDue,
    DateTimeOffset? YellowAt, DateTimeOffset? RedAt, Colour Colour);

/// <summary>
/// The stages of a case: dispatch (from the report, ends when dispatched), arrival and first feedback (from the
/// dispatch, end on scene and at the handling feedback), closing (from the report, ends when closed). A case's
/// colour is the worst colour of its running stages; a carried-over (挂账) case runs no clock.
/// </summary>
public static class CaseTimeline
{
    public static IReadOnlyList<StageStatus> Stages(CaseTimes t, CaseLimits limits, DateTimeOffset now, WorkCalendar calendar)
    {
        var open = CaseStateMachine.IsOpen(t.State) && t.State != CaseState.CarriedOver;
        var result = new List<StageStatus>(4)
        {
            Status(new StageLimit(Stage.Dispatch, t.ReportedAt, limits.Dispatch), t.DispatchedAt, open, now, calendar),
        };
        if (t.DispatchedAt is { } dispatched)
        {
            result.Add(Status(new StageLimit(Stage.Arrival, dispatched, limits.Arrival), t.ArrivedAt, open, now, calendar));
            result.Add(Status(new StageLimit(Stage.Feedback, dispatched, limits.Feedback), t.HandledAt, open, now, calendar));
        }
        result.Add(Status(new StageLimit(Stage.Closing, t.ReportedAt, limits.Close), t.ClosedAt, open, now, calendar));
        return result;
    }

    private static StageStatus Status(StageLimit s, DateTimeOffset? endedAt, bool open, DateTimeOffset now, WorkCalendar calendar)
    {
        var due = CaseClock.DueAt(s, calendar);
        var running = open && endedAt is null;
        var used = CaseClock.Used(s, endedAt ?? now, calendar);
        return new StageStatus(s.Stage, s.Start, due, endedAt, running, used, CaseClock.ColourOf(used), CaseClock.YellowAtInstant(s, calendar));
    }

    /// <summary>The case's colour now: the worst of its running stages (green when none runs).</summary>
    public static Colour ColourOf(IReadOnlyList<StageStatus> stages) =>
        stages.Where(s => s.Running).Select(s => s.Colour).DefaultIfEmpty(Colour.Green).Max();

    /// <summary>
    /// When the case turns yellow and red: the earliest such instant over its running stages (each stage's colour
    /// only ever rises, so the worst colour changes exactly then). Null when no stage runs.
    /// </summary>
    public static (DateTimeOffset? YellowAt, DateTimeOffset? RedAt) Crossings(IReadOnlyList<StageStatus> stages)
    {
        var running = stages.Where(s => s.Running).ToList();
        return running.Count == 0 ? (null, null) : (running.Min(s => s.YellowAt), running.Min(s => s.Due));
    }

    /// <summary>The deadlines of a case's stages, its colour crossings and its colour at <paramref name="now"/>.</summary>
    public static CaseDeadlines Deadlines(CaseTimes t, CaseLimits limits, DateTimeOffset now, WorkCalendar calendar)
    {
        var stages = Stages(t, limits, now, calendar);
        var (yellow, red) = Crossings(stages);
        return new CaseDeadlines(stages.Single(s => s.Stage == Stage.Dispatch).Due, stages.SingleOrDefault(s => s.Stage == Stage.Arrival)?.Due,
            stages.SingleOrDefault(s => s.Stage == Stage.Feedback)?.Due, stages.Single(s => s.Stage == Stage.Closing).Due, yellow, red, ColourOf(stages));
    }
}
