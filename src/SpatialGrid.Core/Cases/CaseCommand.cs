namespace SpatialGrid.Core.Cases;

/// <summary>
/// Who takes a step: the centre (a dispatcher, an admin, or a field task the centre sent) may take every step; a patrol
/// in the field arrives, gives handling feedback and verifies.
/// </summary>
public enum Authority
{
    Centre = 1,
    Field = 2,
}

/// <summary>
/// What the decisions know of a case: where it stands, the limits it was opened under, the moments of its stages,
/// who took the steps that are measured on people, and its counters. <see cref="LastStepAt"/> is the time of the last
/// recorded step (the report's, for a case with no step yet): a step is never recorded before it.
/// </summary>
public sealed record CaseSnapshot(string Number, CaseState State, uint Version, string? GridCode, CaseLimits Limits, DateTimeOffset ReportedAt, DateTimeOffset LastStepAt)
{
    public string Unit { get; init; } = "";
    public string? LeadUnit { get; init; }
    public string[] CoUnits { get; init; } = [];
    public DateTimeOffset? AcceptedAt { get; init; }
    public string? AcceptedBy { get; init; }
    public DateTimeOffset? DispatchedAt { get; init; }
    public string? DispatchedBy { get; init; }
    public DateTimeOffset? FirstDispatchedAt { get; init; }
    public int DispatchCount { get; init; }
    public int ReturnCount { get; init; }
    public int ReworkCount { get; init; }
    public DateTimeOffset? ArrivedAt { get; init; }
    public DateTimeOffset? HandledAt { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public string? ClosedBy { get; init; }
    public int? Satisfaction { get; init; }
    public DateOnly? ReviewDate { get; init; }

    public CaseTimes Times => new(State, ReportedAt, DispatchedAt, ArrivedAt, HandledAt, ClosedAt);
}

/// <summary>
/// One step asked for: the action, when it happened and by whom, and what the action needs (a unit to dispatch to, a
/// reason to reject, the verifier's position, a review date to carry over, a rating to close).
/// </summary>
public sealed record CaseCommand(CaseAction Action, DateTimeOffset At, string By, Authority Authority = Authority.Centre)
{
    public string? Note { get; init; }
    public string? Unit { get; init; }
    public string? LeadUnit { get; init; }
    public string[]? CoUnits { get; init; }
    public DateOnly? ReviewDate { get; init; }
    public int? Satisfaction { get; init; }
    public double? Lon { get; init; }
    public double? Lat { get; init; }

    /// <summary>Whether (Lon, Lat) lies inside the case's grid, within the verify tolerance: a spatial fact the caller looks up.</summary>
    public bool PositionInGrid { get; init; }

    public string[] Attachments { get; init; } = [];

    /// <summary>The version the caller last saw (null: not checked); another one means someone acted in between.</summary>
    public uint? ExpectedVersion { get; init; }

    /// <summary>The supervision task whose answer this step follows (a passed check verifies, a failed one sends back for rework).</summary>
    public long? Task { get; init; }
}

/// <summary>A step taken: the entry of the case's history it records.</summary>
public sealed record CaseStep(DateTimeOffset At, string By, string Action, CaseState From, CaseState To, string? Note, string Data);

/// <summary>
/// What a step decides: the case after it, the history entry, its deadlines and colour instants as of now, and whether
/// the alarm of the device that raised the case is cleared (a verified case clears it).
/// </summary>
public sealed record CaseDecision(CaseSnapshot Case, CaseStep Step, CaseDeadlines Deadlines, bool ClearsDeviceAlarm);

/// <summary>A refusal: a stable kind, the HTTP status it is answered with, what to do, and extra members of the answer.</summary>
public sealed record CaseProblem(string Kind, int Status, string Detail, IReadOnlyDictionary<string, object?>? Extensions = null);
