namespace SpatialGrid.Core.Evaluation;

/// <summary>The standard's roles that are assessed person by person.</summary>
public enum Role
{
    Supervisor = 1,  // 监督员 (a patrol worker: grid worker or supervisor)
    Acceptor = 2,    // 受理员
    ShiftLeader = 3, // 值班长
    Dispatcher = 4,  // 派遣员
}

/// <summary>One indicator of a role: its stable name, its role, its default weight (DOMAIN.md), and how it scores.</summary>
public sealed record RoleIndicator(string Name, Role Role, double DefaultWeight, bool IsCount = false, bool LowerIsBetter = false);

/// <summary>
/// The indicators of each role and their default weights (per cent; each role's add up to 100), as the public
/// descriptions of GB/T 30428.4 give them. Names are unique across roles, so a weight can be named without its role.
/// </summary>
public static class RoleIndicators
{
    public static readonly IReadOnlyList<RoleIndicator> All =
    [
        new("valid-report", Role.Supervisor, 40),
        new("missed-report", Role.Supervisor, 20, LowerIsBetter: true),
        new("on-time-confirm", Role.Supervisor, 20),
        new("on-time-check", Role.Supervisor, 20),
        new("accepted", Role.Acceptor, 25, IsCount: true),
        new("on-time-confirm-dispatch", Role.Acceptor, 40),
        new("on-time-check-dispatch", Role.Acceptor, 35),
        new("on-time-opening", Role.ShiftLeader, 25),
        new("accurate-opening", Role.ShiftLeader, 40),
        new("on-time-closing", Role.ShiftLeader, 35),
        new("dispatches", Role.Dispatcher, 20, IsCount: true),
        new("on-time-dispatch", Role.Dispatcher, 40),
        new("accurate-dispatch", Role.Dispatcher, 40),
    ];

    public static RoleIndicator? Find(string name) => All.FirstOrDefault(i => i.Name == name);

    public static IEnumerable<RoleIndicator> Of(Role role) => All.Where(i => i.Role == role);

    public static string Name(Role r) => r switch
    {
        Role.Supervisor => "supervisor",
        Role.Acceptor => "acceptor",
        Role.ShiftLeader => "shift-leader",
        _ => "dispatcher",
    };

    public static bool TryParse(string? text, out Role role)
    {
        role = Enum.GetValues<Role>().FirstOrDefault(r => Name(r) == text);
        return role != 0;
    }

    /// <summary>
    /// The weights of a request: the defaults, with <paramref name="text"/> (<c>name:percent,…</c>) replacing those of every
    /// role it names; each role named must then add up to 100 %. Null and the reason when it does not.
    /// </summary>
    public static (IReadOnlyDictionary<string, double>? Weights, string? Problem) Parse(string? text)
    {
        var weights = All.ToDictionary(i => i.Name, i => i.DefaultWeight, StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return (weights, null);
        var given = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split(':');
            if (pair.Length != 2 || Find(pair[0]) is null)
                return (null, $"weights are name:percent pairs separated by commas, names among {string.Join(", ", All.Select(i => i.Name))}; '{Clip(part)}' is not one");
            if (!double.TryParse(pair[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var w) || !double.IsFinite(w) || w < 0 || w > 100)
                return (null, $"the weight of {pair[0]} is a percentage from 0 to 100, not '{Clip(pair[1])}'");
            if (!given.TryAdd(pair[0], w)) return (null, $"the weight of {pair[0]} is given twice");
        }
        foreach (var role in given.Keys.Select(n => Find(n)!.Role).Distinct())
        {
            foreach (var i in Of(role)) weights[i.Name] = given.GetValueOrDefault(i.Name);
            var sum = Of(role).Sum(i => weights[i.Name]);
            if (Math.Abs(sum - 100) > 1e-9)
                return (null, $"the weights of the {Name(role)} add up to {sum:0.##} %, not 100 % ({string.Join(", ", Of(role).Select(i => $"{i.Name} {weights[i.Name]:0.##}"))}); a role's indicators left out weigh 0");
        }
        return (weights, null);
    }

    /// <summary>The grade of a composite score: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below.</summary>
    public static string Grade(double score) => score >= 90 ? "A" : score >= 75 ? "B" : score >= 60 ? "C" : score >= 40 ? "D" : "E";

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
