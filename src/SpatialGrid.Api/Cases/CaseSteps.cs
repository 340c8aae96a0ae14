using SpatialGrid.Api.Data;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// Between a stored case and <see cref="CaseDecider"/>: the snapshot a decision reads, and a decided step written back
/// onto the row (its fields, its version, the entry of its hash-chained history, its deadlines).
/// </summary>
public static class CaseSteps
{
    public static CaseSnapshot Snapshot(Case c, DateTimeOffset lastStepAt) => new(c.Number, c.State, c.Version, c.GridCode, CaseViews.Limits(c), c.ReportedAt, lastStepAt)
    {
        Unit = c.Unit, LeadUnit = c.LeadUnit, CoUnits = c.CoUnits,
        AcceptedAt = c.AcceptedAt, AcceptedBy = c.AcceptedBy,
        DispatchedAt = c.DispatchedAt, DispatchedBy = c.DispatchedBy, FirstDispatchedAt = c.FirstDispatchedAt, DispatchCount = c.DispatchCount,
        ReturnCount = c.ReturnCount, ReworkCount = c.ReworkCount,
        ArrivedAt = c.ArrivedAt, HandledAt = c.HandledAt, VerifiedAt = c.VerifiedAt, ClosedAt = c.ClosedAt, ClosedBy = c.ClosedBy,
        Satisfaction = c.Satisfaction, ReviewDate = c.ReviewDate,
    };

    /// <summary>Writes the decided step onto the case and returns its history entry (to be added to the context).</summary>
    public static CaseEvent Record(Case c, CaseDecision d)
    {
        var s = d.Case;
        c.State = s.State;
        c.Version = s.Version;
        (c.Unit, c.LeadUnit, c.CoUnits) = (s.Unit, s.LeadUnit, s.CoUnits);
        (c.AcceptedAt, c.AcceptedBy) = (s.AcceptedAt, s.AcceptedBy);
        (c.DispatchedAt, c.DispatchedBy, c.FirstDispatchedAt, c.DispatchCount) = (s.DispatchedAt, s.DispatchedBy, s.FirstDispatchedAt, s.DispatchCount);
        (c.ReturnCount, c.ReworkCount) = (s.ReturnCount, s.ReworkCount);
        (c.ArrivedAt, c.HandledAt, c.VerifiedAt, c.ClosedAt, c.ClosedBy) = (s.ArrivedAt, s.HandledAt, s.VerifiedAt, s.ClosedAt, s.ClosedBy);
        (c.Satisfaction, c.ReviewDate) = (s.Satisfaction, s.ReviewDate);
        var step = d.Step;
        var e = CaseHistory.Append(c, step.At, step.By, step.Action, step.From, step.To, step.Note, step.Data);
        CaseHistory.SetDeadlines(c, d.Deadlines);
        return e;
    }
}
