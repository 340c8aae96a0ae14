using SpatialGrid.Core.Cases;

namespace SpatialGrid.Core.Evaluation;

/// <summary>
/// What the area and unit indicators are made of, per case: where it lies, which unit handles it, its state, the
/// moments its stages ended and the deadlines they were judged by, how often it was sent back, and whether it was
/// ever carried over (挂账, the service's extension: the case's clock stops until a review date).
/// </summary>
public readonly record struct CaseFacts(string Number, string DistrictCode, string? GridCode, string Unit, CaseState State, DateTimeOffset ReportedAt,
    DateTimeOffset? AcceptedAt, DateTimeOffset? HandledAt, DateTimeOffset? FeedbackDue, DateTimeOffset? ClosedAt, DateTimeOffset CloseDue, int ReworkCount,
    bool Extended)
{
    /// <summary>The grid, or the district for a case outside every grid (it belongs to no street, community or grid).</summary>
    public string Place => GridCode ?? DistrictCode;

    /// <summary>Opened (立案): accepted by the centre, whatever happened after; a rejected or still unaccepted report is not a case to handle.</summary>
    public bool Opened => AcceptedAt is not null && State is not (CaseState.Rejected or CaseState.Reported);

    /// <summary>Handled at least once: its unit gave feedback (a rework clears the feedback time but counts), or it was closed.</summary>
    public bool HandledOnce => HandledAt is not null || ReworkCount > 0 || State is CaseState.Verified or CaseState.Closed;
}
