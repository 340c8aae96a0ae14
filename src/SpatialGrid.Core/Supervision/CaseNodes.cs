using SpatialGrid.Core.Cases;

namespace SpatialGrid.Core.Supervision;

/// <summary>The four intake channels of the standard.</summary>
public enum IntakeChannel
{
    Supervisor = 1,      // 监督员 (patrols, self-handled on the spot)
    Video = 2,           // 视频 (cameras and device alerts)
    Public = 3,          // 公众 (hotline, apps, Open311)
    HigherAuthority = 4, // 上级交办
}

/// <summary>One of the seven nodes with the moment the case passed it (null: not yet).</summary>
public sealed record Node(string Name, DateTimeOffset? At);

/// <summary>The moments a case's nodes are read from (the first dispatch; the last of the answers of its tasks).</summary>
public sealed record NodeTimes(DateTimeOffset ReportedAt, DateTimeOffset? AcceptedAt, DateTimeOffset? FirstDispatchedAt, DateTimeOffset? ArrivedAt,
    DateTimeOffset? HandledAt, DateTimeOffset? VerifiedAt, DateTimeOffset? ClosedAt, CaseState State);

/// <summary>
/// The seven nodes (collect → open → dispatch → handle → feedback → check and close → evaluate) of one case. Evaluate is
/// reached when the case is closed and the month it was reported in has ended: its figures are then final.
/// </summary>
public static class CaseNodes
{
    public static readonly string[] Names = ["collect", "open", "dispatch", "handle", "feedback", "check-and-close", "evaluate"];

    public static string Name(IntakeChannel c) => c switch
    {
        IntakeChannel.Supervisor => "supervisor",
        IntakeChannel.Video => "video",
        IntakeChannel.Public => "public",
        _ => "higher-authority",
    };

    public static IReadOnlyList<Node> Of(NodeTimes t, DateTimeOffset periodEnd, DateTimeOffset now)
    {
        var closed = t.State == CaseState.Closed ? t.ClosedAt : null;
        DateTimeOffset? evaluated = closed is not null && periodEnd <= now ? (closed > periodEnd ? closed : periodEnd) : null;
        return
        [
            new("collect", t.ReportedAt),
            new("open", t.AcceptedAt),
            new("dispatch", t.FirstDispatchedAt),
            new("handle", t.ArrivedAt),
            new("feedback", t.HandledAt),
            new("check-and-close", closed),
            new("evaluate", evaluated),
        ];
    }
}
