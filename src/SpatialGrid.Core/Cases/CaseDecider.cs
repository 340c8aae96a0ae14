using System.Text.Json;
using SpatialGrid.Core.Calendar;

namespace SpatialGrid.Core.Cases;

/// <summary>
/// The decision of one step of the loop, as a pure function: the case, the command, now and the calendar in; the case
/// after the step with its history entry and deadlines, or the refusal, out. The state machine decides whether the
/// action is allowed from the case's state; each action then asks for what it needs. Deterministic and without I/O:
/// what needs the database (the case, the last step's time, whether a position lies in the grid) is looked up before.
/// </summary>
public static class CaseDecider
{
    /// <summary>Decides one step; exactly one of the two is set.</summary>
    public static (CaseDecision? Decision, CaseProblem? Problem) Decide(CaseSnapshot c, CaseCommand cmd, DateTimeOffset now, WorkCalendar calendar)
    {
        var action = cmd.Action;
        // Patrols work on the street: they report, arrive, give feedback and verify; the centre does the rest.
        if (cmd.Authority == Authority.Field && action is not (CaseAction.Arrive or CaseAction.Feedback or CaseAction.Verify))
            return Refuse("forbidden", 403, $"only a dispatcher may {CaseNames.Name(action)} a case; a patrol may arrive, give feedback and verify");
        if (cmd.ExpectedVersion is { } expected && expected != c.Version)
            return Refuse("version-conflict", 409, $"case {c.Number} changed since version {expected} (now {c.Version}); reload it and try again");
        if (cmd.At < c.LastStepAt) return Refuse("time-before-history", 400, "at lies before the case's last recorded step");
        if (!CaseStateMachine.TryApply(c.State, action, out var to, out var error))
        {
            return (null, new CaseProblem("illegal-transition", 409, error!, new Dictionary<string, object?>
            {
                ["state"] = CaseNames.Name(c.State),
                ["allowed"] = CaseStateMachine.Allowed(c.State).Select(CaseNames.Name).ToList(),
            }));
        }

        var (next, data, problem) = Effect(c, cmd, now, calendar);
        if (problem is not null) return (null, problem);
        next = next! with { State = to, Version = c.Version + 1, LastStepAt = cmd.At };
        var step = new CaseStep(cmd.At, cmd.By, CaseNames.Name(action), c.State, to, cmd.Note, JsonSerializer.Serialize(data));
        return (new CaseDecision(next, step, CaseTimeline.Deadlines(next.Times, next.Limits, now, calendar), action == CaseAction.Verify), null);
    }

    /// <summary>What an allowed action changes on the case and records as its data, or what it lacks.</summary>
    private static (CaseSnapshot? Next, object Data, CaseProblem? Problem) Effect(CaseSnapshot c, CaseCommand cmd, DateTimeOffset now, WorkCalendar calendar)
    {
        var at = cmd.At;
        var attachments = cmd.Attachments;
        object data = cmd.Task is { } task ? new { task, lon = cmd.Lon, lat = cmd.Lat, attachments } : new { attachments };
        switch (cmd.Action)
        {
            case CaseAction.Accept:
                return (c with { AcceptedAt = at, AcceptedBy = cmd.By }, data, null);
            case CaseAction.Reject:
                if (string.IsNullOrWhiteSpace(cmd.Note)) return Lacks("missing-reason", 400, "rejecting a case needs the reason in note");
                return (c with { ClosedAt = at }, data, null);
            case CaseAction.Dispatch:
            {
                var unit = string.IsNullOrWhiteSpace(cmd.Unit) ? c.Unit : cmd.Unit.Trim();
                var next = c with
                {
                    Unit = unit, DispatchedAt = at, DispatchedBy = c.DispatchedBy ?? cmd.By, FirstDispatchedAt = c.FirstDispatchedAt ?? at,
                    DispatchCount = c.DispatchCount + 1,
                };
                return (next, new { unit, attachments }, null);
            }
            case CaseAction.Return:
                // The unit sends the case back as not its own: the dispatch counts as inaccurate.
                return (c with { ReturnCount = c.ReturnCount + 1, DispatchedAt = null }, data, null);
            case CaseAction.Escalate:
            {
                if (string.IsNullOrWhiteSpace(cmd.LeadUnit)) return Lacks("missing-lead-unit", 400, "escalating needs the lead unit (leadUnit) and may name co-units");
                var lead = cmd.LeadUnit.Trim();
                var co = cmd.CoUnits ?? [];
                return (c with { LeadUnit = lead, CoUnits = co, Unit = lead, DispatchedAt = null }, new { leadUnit = lead, coUnits = co, attachments }, null);
            }
            case CaseAction.Arrive:
                return (c with { ArrivedAt = at }, data, null);
            case CaseAction.Feedback:
                if (string.IsNullOrWhiteSpace(cmd.Note)) return Lacks("missing-note", 400, "the handling feedback needs a note saying what was done");
                return (c with { HandledAt = at }, data, null);
            case CaseAction.Verify:
            {
                if (cmd.Lon is not { } lon || cmd.Lat is not { } lat || !double.IsFinite(lon) || !double.IsFinite(lat))
                    return Lacks("missing-position", 400, "verifying needs the verifier's position (lon, lat)");
                if (c.GridCode is not null && !cmd.PositionInGrid)
                {
                    return Lacks("verifier-outside-grid", 422,
                        $"the verifier at ({lon:0.######}, {lat:0.######}) is not inside grid {c.GridCode}; verification is done on site");
                }
                return (c with { VerifiedAt = at }, cmd.Task is null ? new { lon, lat, attachments } : data, null);
            }
            case CaseAction.Rework:
                // The check on site fails: back to the unit, counted as rework (返工).
                return (c with { ReworkCount = c.ReworkCount + 1, DispatchedAt = at, ArrivedAt = null, HandledAt = null, VerifiedAt = null }, data, null);
            case CaseAction.Close:
                if (cmd.Satisfaction is < 1 or > 5) return Lacks("bad-satisfaction", 400, "satisfaction is a rating from 1 to 5");
                return (c with { Satisfaction = cmd.Satisfaction, ClosedAt = at, ClosedBy = cmd.By }, data, null);
            case CaseAction.CarryOver:
                if (cmd.ReviewDate is not { } review || review <= DateOnly.FromDateTime(now.ToOffset(calendar.UtcOffset).DateTime))
                    return Lacks("missing-review-date", 400, "carrying a case over (挂账) needs a reviewDate in the future");
                return (c with { ReviewDate = review }, new { reviewDate = review, attachments }, null);
            default:
                // Resume: the carried-over case goes back to its unit, its clocks running again from now.
                return (c with { ReviewDate = null, DispatchedAt = at, ArrivedAt = null, HandledAt = null }, data, null);
        }
    }

    private static (CaseDecision?, CaseProblem?) Refuse(string kind, int status, string detail) => (null, new CaseProblem(kind, status, detail));

    private static (CaseSnapshot?, object, CaseProblem?) Lacks(string kind, int status, string detail) => (null, new object(), new CaseProblem(kind, status, detail));
}
