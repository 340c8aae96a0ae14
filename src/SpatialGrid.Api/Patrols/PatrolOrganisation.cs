using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// Teams, workers, shift templates and the roster: put (create or update, one or an array, all or nothing with every
/// problem named) and list, within the caller's districts.
/// </summary>
public static partial class PatrolOrganisation
{
    public sealed record Team(string Id, string Name, string District, string? SubDistrict);
    public sealed record Worker(string Id, string Name, string? Team, string? Role, string? DeviceId, string District, bool Active = true);
    public sealed record Shift(string Code, string Name, string District, string Starts, string Ends, string[] Grids);
    public sealed record RosterEntry(string Day, string Worker, string Shift);
    public sealed record Saved(int Count);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")] private static partial Regex IdPattern();
    [GeneratedRegex("^[0-9]{6}$")] private static partial Regex DistrictPattern();

    public static readonly string[] WorkerRoles = ["grid-worker", "supervisor"];

    /// <summary>The districts (6 digits) a caller's scopes reach, for the SQL of <see cref="InScopeSql"/>; empty: every district.</summary>
    public static string[] Districts(ClaimsPrincipal user) => CallerScope.Of(user).Districts;

    private static bool InScope(ClaimsPrincipal user, string district) => CallerScope.Of(user).ReachesDistrict(district);

    /// <summary>A body of one object or an array of them; null with the problem when it is neither.</summary>
    private static (List<T>? Items, ProblemHttpResult? Problem) Items<T>(JsonElement body, Func<JsonElement, T?> read, string what)
    {
        var elements = body.ValueKind switch
        {
            JsonValueKind.Array => body.EnumerateArray().ToList(),
            JsonValueKind.Object => [body],
            _ => null,
        };
        if (elements is null) return (null, Problems.BadRequest("bad-request", $"the body must be a {what} object or an array of them"));
        if (elements.Count is 0 or > 10_000) return (null, Problems.BadRequest("bad-request", $"give 1 to 10,000 {what}s, not {elements.Count:N0}"));
        var items = new List<T>();
        try
        {
            foreach (var e in elements) items.Add(read(e) ?? throw new JsonException($"a {what} cannot be null"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            return (null, Problems.BadRequest("bad-request", $"a {what} is not valid: {e.Message}"));
        }
        return (items, null);
    }

    /// <summary>An id given twice in one put is an error (one statement cannot write a row twice, and which one would win?).</summary>
    private static void CheckUnique(List<string> errors, IEnumerable<string?> ids, string what)
    {
        foreach (var g in ids.Where(i => i is not null).GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1))
            errors.Add($"{what} '{Clip(g.Key)}' is given {g.Count()} times");
    }

    private static ProblemHttpResult? Refuse(List<string> errors, string what) => errors.Count == 0 ? null
        : Problems.Unprocessable($"invalid-{what}", $"{errors.Count} problem(s): {string.Join("; ", errors.Take(20))}",
            new Dictionary<string, object?> { ["errors"] = errors });

    private static void CheckText(List<string> errors, string where, string field, string? value, int max, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value)) { if (required) errors.Add($"{where}: {field} is required"); return; }
        if (value.Length > max) errors.Add($"{where}: {field} has {value.Length} characters; at most {max}");
        else if (StorableText.HasNul(value)) errors.Add($"{where}: {field} holds {StorableText.Why}");
    }

    public static async Task<Results<Ok<Saved>, ProblemHttpResult>> PutTeams(JsonElement body, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct)
    {
        var (teams, problem) = Items(body, e => e.Deserialize<Team>(JsonOptions), "team");
        if (problem is not null) return problem;
        var errors = new List<string>();
        for (var i = 0; i < teams!.Count; i++)
        {
            var t = teams[i];
            var at = $"[{i}] {Clip(t.Id)}";
            if (t.Id is null || !IdPattern().IsMatch(t.Id)) errors.Add($"{at}: id must be 1-64 letters, digits, '.', '_' or '-'");
            CheckText(errors, at, "name", t.Name, 100);
            if (t.District is null || !DistrictPattern().IsMatch(t.District)) errors.Add($"{at}: district must be a 6-digit code");
            else if (!InScope(user, t.District)) errors.Add($"{at}: district {t.District} is outside your scopes");
            if (t.SubDistrict is { } s && (s.Length != 9 || !s.All(char.IsAsciiDigit) || !s.StartsWith(t.District ?? "-")))
                errors.Add($"{at}: subDistrict must be a 9-digit code under the district");
        }
        CheckUnique(errors, teams.Select(t => t.Id), "team id");
        foreach (var id in await OthersAsync(db, "patrol_teams", "id", teams.Select(t => t.Id), user, ct))
            errors.Add($"team '{Clip(id)}' exists in a district outside your scopes");
        if (Refuse(errors, "teams") is { } refused) return refused;
        await using var cmd = db.CreateCommand("""
            INSERT INTO patrol_teams (id, name, district_code, sub_district_code)
            SELECT * FROM unnest(@id::text[], @name::text[], @district::text[], @sub::text[])
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, district_code = excluded.district_code, sub_district_code = excluded.sub_district_code
            """);
        cmd.Parameters.AddWithValue("id", teams.Select(t => t.Id).ToArray());
        cmd.Parameters.AddWithValue("name", teams.Select(t => t.Name.Trim()).ToArray());
        cmd.Parameters.AddWithValue("district", teams.Select(t => t.District).ToArray());
        cmd.Parameters.AddWithValue("sub", teams.Select(t => t.SubDistrict).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
        return TypedResults.Ok(new Saved(teams.Count));
    }

    public static async Task<Results<Ok<Saved>, ProblemHttpResult>> PutWorkers(JsonElement body, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct)
    {
        var (workers, problem) = Items(body, e => e.Deserialize<Worker>(JsonOptions), "worker");
        if (problem is not null) return problem;
        var errors = new List<string>();
        // A team is one district's: its id with the district it belongs to.
        var teams = await KnownAsync(db, "SELECT id || '@' || district_code FROM patrol_teams WHERE id = ANY(@ids)",
            workers!.Where(w => w.Team is not null).Select(w => w.Team!), ct);
        var districts = await KnownAsync(db, "SELECT code FROM grids WHERE code = ANY(@ids) AND level = 1 AND valid_from IS NOT NULL AND valid_to IS NULL",
            workers.Where(w => w.District is not null).Select(w => w.District), ct);
        for (var i = 0; i < workers.Count; i++)
        {
            var w = workers[i];
            var at = $"[{i}] {Clip(w.Id)}";
            if (w.Id is null || !IdPattern().IsMatch(w.Id)) errors.Add($"{at}: id must be 1-64 letters, digits, '.', '_' or '-'");
            CheckText(errors, at, "name", w.Name, 100);
            if (w.Role is not null && !WorkerRoles.Contains(w.Role)) errors.Add($"{at}: role must be one of {string.Join(", ", WorkerRoles)} (default grid-worker)");
            if (w.District is null || !DistrictPattern().IsMatch(w.District)) errors.Add($"{at}: district must be a 6-digit code");
            else if (!InScope(user, w.District)) errors.Add($"{at}: district {w.District} is outside your scopes");
            else if (!districts.Contains(w.District)) errors.Add($"{at}: district {w.District} is not a current district of the grid registry");
            if (w.Team is not null && !teams.Any(t => t.StartsWith(w.Team + "@", StringComparison.Ordinal)))
                errors.Add($"{at}: team '{Clip(w.Team)}' does not exist (POST /api/patrols/teams)");
            else if (w.Team is not null && !teams.Contains($"{w.Team}@{w.District}"))
                errors.Add($"{at}: team '{Clip(w.Team)}' belongs to another district than {w.District}");
            CheckText(errors, at, "deviceId", w.DeviceId, 64, required: false);
        }
        foreach (var dup in workers.Where(w => w.DeviceId is not null).GroupBy(w => w.DeviceId).Where(g => g.Count() > 1))
            errors.Add($"deviceId '{Clip(dup.Key)}' is given to {dup.Count()} workers");
        CheckUnique(errors, workers.Select(w => w.Id), "worker id");
        foreach (var taken in await KnownAsync(db, "SELECT device_id || ' (worker ' || id || ')' FROM patrol_workers WHERE device_id = ANY(@ids) AND NOT (id = ANY(@scope))",
                     workers.Where(w => w.DeviceId is not null).Select(w => w.DeviceId!), ct, workers.Select(w => w.Id).ToArray()))
            errors.Add($"deviceId {taken} is already another worker's");
        foreach (var id in await OthersAsync(db, "patrol_workers", "id", workers.Select(w => w.Id), user, ct))
            errors.Add($"worker '{Clip(id)}' exists in a district outside your scopes");
        if (Refuse(errors, "workers") is { } refused) return refused;
        await using var cmd = db.CreateCommand("""
            INSERT INTO patrol_workers (id, name, team_id, role, device_id, district_code, active)
            SELECT * FROM unnest(@id::text[], @name::text[], @team::text[], @role::text[], @device::text[], @district::text[], @active::bool[])
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, team_id = excluded.team_id, role = excluded.role,
                device_id = excluded.device_id, district_code = excluded.district_code, active = excluded.active
            """);
        cmd.Parameters.AddWithValue("id", workers.Select(w => w.Id).ToArray());
        cmd.Parameters.AddWithValue("name", workers.Select(w => w.Name.Trim()).ToArray());
        cmd.Parameters.AddWithValue("team", workers.Select(w => w.Team).ToArray());
        cmd.Parameters.AddWithValue("role", workers.Select(w => w.Role ?? "grid-worker").ToArray());
        cmd.Parameters.AddWithValue("device", workers.Select(w => w.DeviceId).ToArray());
        cmd.Parameters.AddWithValue("district", workers.Select(w => w.District).ToArray());
        cmd.Parameters.AddWithValue("active", workers.Select(w => w.Active).ToArray());
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Problems.Conflict("device-taken", "a deviceId was given to another worker at the same moment; send the workers again");
        }
        return TypedResults.Ok(new Saved(workers.Count));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeactivateWorker(string id, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE patrol_workers SET active = false WHERE id = @id AND (cardinality(@d::text[]) = 0 OR district_code = ANY(@d))");
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("d", Districts(user));
        return await cmd.ExecuteNonQueryAsync(ct) == 0 ? Problems.NotFound("worker-not-found", $"no worker '{Clip(id)}'") : TypedResults.NoContent();
    }

    /// <summary>
    /// The ids among those given that already exist in a district outside the caller's scopes: a put must not take
    /// another district's team, worker or shift over by reusing its id.
    /// </summary>
    internal static async Task<HashSet<string>> OthersAsync(NpgsqlDataSource db, string table, string key, IEnumerable<string?> ids,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var scope = Districts(user);
        if (scope.Length == 0) return [];
        // table and key are constants of this file, never a caller's text.
        return await KnownAsync(db, $"SELECT {key} FROM {table} WHERE {key} = ANY(@ids) AND NOT (district_code = ANY(@scope))",
            ids.Where(i => i is not null).Select(i => i!), ct, scope);
    }

    internal static async Task<HashSet<string>> KnownAsync(NpgsqlDataSource db, string sql, IEnumerable<string> ids, CancellationToken ct,
        string[]? scope = null)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var list = ids.Distinct().ToArray();
        if (list.Length == 0) return result;
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("ids", list);
        if (scope is not null) cmd.Parameters.AddWithValue("scope", scope);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(r.GetString(0));
        return result;
    }

    internal static string Clip(string? s) => s is null ? "" : s.Length > 40 ? StorableText.Escaped(s[..40]) + "…" : StorableText.Escaped(s)!;

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}
