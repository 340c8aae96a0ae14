namespace SpatialGrid.Core.Cases;

/// <summary>Where a case stands in the closed loop (闭环).</summary>
public enum CaseState
{
    Reported = 1,    // 上报
    Accepted = 2,    // 立案
    Dispatched = 3,  // 派遣
    OnScene = 4,     // 到场
    Handled = 5,     // 处置反馈
    Verified = 6,    // 核查
    Closed = 7,      // 结案
    Rejected = 8,    // 不予立案
    Escalated = 9,   // 上报区级 (吹哨)
    CarriedOver = 10, // 挂账
}

/// <summary>What can be done to a case.</summary>
public enum CaseAction
{
    Accept = 1,
    Reject = 2,
    Dispatch = 3,
    Return = 4,
    Escalate = 5,
    Arrive = 6,
    Feedback = 7,
    Verify = 8,
    Rework = 9,
    Close = 10,
    CarryOver = 11,
    Resume = 12,
}

/// <summary>
/// The case state machine, as a table: an action is allowed from the listed states only. Pure: the state and
/// the action in, the new state or the refusal (naming the allowed actions) out.
/// </summary>
public static class CaseStateMachine
{
    private static readonly Dictionary<CaseAction, (CaseState[] From, CaseState To)> Table = new()
    {
        [CaseAction.Accept] = ([CaseState.Reported], CaseState.Accepted),
        [CaseAction.Reject] = ([CaseState.Reported], CaseState.Rejected),
        [CaseAction.Dispatch] = ([CaseState.Accepted, CaseState.Escalated], CaseState.Dispatched),
        // The unit sends the case back as not its own: it returns to the acceptor, and the dispatch counts as inaccurate.
        [CaseAction.Return] = ([CaseState.Dispatched], CaseState.Accepted),
        [CaseAction.Escalate] = ([CaseState.Accepted, CaseState.Dispatched], CaseState.Escalated),
        [CaseAction.Arrive] = ([CaseState.Dispatched], CaseState.OnScene),
        [CaseAction.Feedback] = ([CaseState.OnScene], CaseState.Handled),
        [CaseAction.Verify] = ([CaseState.Handled], CaseState.Verified),
        // The check on site fails: back to the unit, counted as rework (返工).
        [CaseAction.Rework] = ([CaseState.Handled, CaseState.Verified], CaseState.Dispatched),
        [CaseAction.Close] = ([CaseState.Verified], CaseState.Closed),
        [CaseAction.CarryOver] = ([CaseState.Accepted, CaseState.Dispatched, CaseState.OnScene], CaseState.CarriedOver),
        [CaseAction.Resume] = ([CaseState.CarriedOver], CaseState.Dispatched),
    };

    public static bool TryApply(CaseState state, CaseAction action, out CaseState next, out string? error)
    {
        var (from, to) = Table[action];
        if (from.Contains(state))
        {
            next = to;
            error = null;
            return true;
        }
        next = state;
        var allowed = Allowed(state);
        error = $"a {CaseNames.Name(state)} case cannot be {CaseNames.Past(action)}; allowed now: " +
                (allowed.Count == 0 ? "nothing (the case is finished)" : string.Join(", ", allowed.Select(CaseNames.Name)));
        return false;
    }

    public static IReadOnlyList<CaseAction> Allowed(CaseState state) =>
        Table.Where(kv => kv.Value.From.Contains(state)).Select(kv => kv.Key).OrderBy(a => a).ToList();

    public static bool IsOpen(CaseState state) => state is not (CaseState.Closed or CaseState.Rejected);
}

/// <summary>Stable names of states and actions (API values).</summary>
public static class CaseNames
{
    public static string Name(CaseState s) => s switch
    {
        CaseState.OnScene => "on-scene",
        CaseState.CarriedOver => "carried-over",
        _ => s.ToString().ToLowerInvariant(),
    };

    public static string Name(CaseAction a) => a switch
    {
        CaseAction.CarryOver => "carry-over",
        _ => a.ToString().ToLowerInvariant(),
    };

    public static string Past(CaseAction a) => a switch
    {
        CaseAction.Accept => "accepted", CaseAction.Reject => "rejected", CaseAction.Dispatch => "dispatched", CaseAction.Return => "returned",
        CaseAction.Escalate => "escalated", CaseAction.Arrive => "marked on scene", CaseAction.Feedback => "given handling feedback",
        CaseAction.Verify => "verified", CaseAction.Rework => "sent back for rework", CaseAction.Close => "closed",
        CaseAction.CarryOver => "carried over", _ => "resumed",
    };

    public static bool TryParse(string? text, out CaseAction action)
    {
        action = default;
        foreach (var a in Enum.GetValues<CaseAction>())
        {
            if (Name(a) == text) { action = a; return true; }
        }
        return false;
    }

    public static bool TryParse(string? text, out CaseState state)
    {
        state = default;
        foreach (var s in Enum.GetValues<CaseState>())
        {
            if (Name(s) == text) { state = s; return true; }
        }
        return false;
    }
}
