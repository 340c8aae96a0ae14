using NetTopologySuite.Geometries;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Data;

/// <summary>Where a case came from.</summary>
public enum CaseSource
{
    Patrol = 1,
    Device = 2,
    Camera = 3,
    Resident = 4,
    Hotline = 5,
    SelfHandled = 6,
    /// <summary>Handed down by a higher authority (上级交办), the standard's fourth intake channel.</summary>
    Authority = 7,
}

/// <summary>Immediate cases run the class's limits; a promised one closes by the date promised to the reporter; one that needs coordination has a lead unit and co-units from the start.</summary>
public enum CaseKind
{
    Immediate = 1,
    Promised = 2,
    Coordination = 3,
}

/// <summary>
/// A case: one problem in one grid, with the limits it was opened under (later overrides do not move its
/// deadlines), the moments each stage ended, and the instants its colour turns yellow and red (null when no
/// stage is running), from which the current colour is computed.
/// </summary>
public sealed class Case
{
    public long Id { get; set; }
    public required string Number { get; set; }
    public required string DistrictCode { get; set; }
    public string? GridCode { get; set; }
    /// <summary>Lies in no grid: routed to the district centre.</summary>
    public bool Outside { get; set; }
    public required string ClassCode { get; set; }
    public CaseSource Source { get; set; }
    public CaseKind Kind { get; set; } = CaseKind.Immediate;
    public DateOnly? PromisedBy { get; set; }
    public CaseState State { get; set; }
    public required string Description { get; set; }
    public required Point Location { get; set; }
    public string? ComponentCode { get; set; }
    public required string Unit { get; set; }
    public string? LeadUnit { get; set; }
    public string[] CoUnits { get; set; } = [];
    public required string ReportedBy { get; set; }
    /// <summary>The patrol worker who reported it from the field, and their GPS fix nearest in time to the report (if any within 10 minutes).</summary>
    public string? ReporterWorker { get; set; }
    public DateTimeOffset? ReporterFixAt { get; set; }
    public Point? ReporterFix { get; set; }
    /// <summary>Who accepted, first dispatched and closed: the measures per role are counted on them.</summary>
    public string? AcceptedBy { get; set; }
    public string? DispatchedBy { get; set; }
    public string? ClosedBy { get; set; }

    public DateTimeOffset ReportedAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public DateTimeOffset? ArrivedAt { get; set; }
    public DateTimeOffset? HandledAt { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    public int DispatchValue { get; set; }
    public ClockKind DispatchClock { get; set; }
    public int ArrivalValue { get; set; }
    public ClockKind ArrivalClock { get; set; }
    public int FeedbackValue { get; set; }
    public ClockKind FeedbackClock { get; set; }
    public int CloseValue { get; set; }
    public ClockKind CloseClock { get; set; }

    /// <summary>The first dispatch, which on-time dispatch is judged by (rework and resumption dispatch again).</summary>
    public DateTimeOffset? FirstDispatchedAt { get; set; }
    public int DispatchCount { get; set; }

    /// <summary>The stages' deadlines as last computed, for the measures in SQL (arrival and feedback from the latest dispatch).</summary>
    public DateTimeOffset DispatchDue { get; set; }
    public DateTimeOffset? ArrivalDue { get; set; }
    public DateTimeOffset? FeedbackDue { get; set; }
    public DateTimeOffset CloseDue { get; set; }

    public DateTimeOffset? YellowAt { get; set; }
    public DateTimeOffset? RedAt { get; set; }
    /// <summary>The last colour announced by the sweep, so each crossing is announced once.</summary>
    public Colour NotifiedColour { get; set; } = Colour.Green;

    public int ReworkCount { get; set; }
    public int ReturnCount { get; set; }
    public int AlertCount { get; set; } = 1;
    /// <summary>For a case opened by a device alert: the device and alert type that repeat into it, and its latest alert.</summary>
    public string? DeviceId { get; set; }
    public string? AlertType { get; set; }
    public DateTimeOffset? LastAlertAt { get; set; }
    public int? Satisfaction { get; set; }
    public DateOnly? ReviewDate { get; set; }

    public int EventCount { get; set; }
    public required string LastHash { get; set; }
    /// <summary>
    /// Bumped by every action on the case (not by alerts joining it or the colour sweep): two dispatchers acting at
    /// once, one wins and the other gets 409.
    /// </summary>
    public uint Version { get; set; } = 1;
}

/// <summary>One step of a case's history: append-only, chained by hash.</summary>
public sealed class CaseEvent
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string CaseNumber { get; set; }
    public int Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string By { get; set; }
    public required string Action { get; set; }
    public required string FromState { get; set; }
    public required string ToState { get; set; }
    public string? Note { get; set; }
    /// <summary>Unit, attachments, position and the like, as JSON.</summary>
    public string? Data { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
    /// <summary>
    /// The W3C trace id of the HTTP request or MQTT message that opened the case (its first event only): the correlation
    /// id in the logs and traces. Outside the hash chain: it says how the record came, not what it records.
    /// </summary>
    public string? TraceId { get; set; }
}

/// <summary>The last case number given per district and local day.</summary>
public sealed class CaseCounter
{
    public required string DistrictCode { get; set; }
    public DateOnly Day { get; set; }
    public int Last { get; set; }
}
