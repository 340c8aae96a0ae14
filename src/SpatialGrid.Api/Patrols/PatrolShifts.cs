using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Patrols;

/// <summary>Shift templates (day, night, 三班两运转 rotations as one template a shift) and the roster.</summary>
public static partial class PatrolOrganisation
{
    public static async Task<Results<Ok<Saved>, ProblemHttpResult>> PutShifts(JsonElement body, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct)
    {
        var (shifts, problem) = Items(body, e => e.Deserialize<Shift>(JsonOptions), "shift");
        if (problem is not null) return problem;
        var errors = new List<string>();
        var grids = await KnownAsync(db, "SELECT code FROM grids WHERE code = ANY(@ids) AND valid_from IS NOT NULL AND valid_to IS NULL",
            shifts!.SelectMany(s => s.Grids ?? []), ct);
        for (var i = 0; i < shifts.Count; i++)
        {
            var s = shifts[i];
            var at = $"[{i}] {Clip(s.Code)}";
            if (s.Code is null || !IdPattern().IsMatch(s.Code)) errors.Add($"{at}: code must be 1-64 letters, digits, '.', '_' or '-'");
            CheckText(errors, at, "name", s.Name, 100);
            if (s.District is null || !DistrictPattern().IsMatch(s.District)) errors.Add($"{at}: district must be a 6-digit code");
            else if (!InScope(user, s.District)) errors.Add($"{at}: district {s.District} is outside your scopes");
            if (!TryTime(s.Starts, out _)) errors.Add($"{at}: starts must be a local time HH:mm, not '{Clip(s.Starts)}'");
            if (!TryTime(s.Ends, out _)) errors.Add($"{at}: ends must be a local time HH:mm, not '{Clip(s.Ends)}'");
            if (s.Grids is null) errors.Add($"{at}: grids is required (an empty array: no grids of its own)");
            else if (s.Grids.Length > 5_000) errors.Add($"{at}: at most 5,000 grids a shift, not {s.Grids.Length:N0}");
            else
            {
                foreach (var g in s.Grids.Where(g => !grids.Contains(g)).Take(10)) errors.Add($"{at}: grid '{Clip(g)}' is not a current grid");
                foreach (var g in s.Grids.Where(g => grids.Contains(g) && s.District is not null && !g.StartsWith(s.District)).Take(10))
                    errors.Add($"{at}: grid {g} is not in district {s.District}");
            }
        }
        CheckUnique(errors, shifts.Select(x => x.Code), "shift code");
        foreach (var code in await OthersAsync(db, "patrol_shifts", "code", shifts.Select(x => x.Code), user, ct))
            errors.Add($"shift '{Clip(code)}' exists in a district outside your scopes");
        if (Refuse(errors, "shifts") is { } refused) return refused;
        await using var cmd = db.CreateCommand("""
            INSERT INTO patrol_shifts (code, name, district_code, starts, ends, grids)
            SELECT c, n, d, s, e, string_to_array(g, ',')
            FROM unnest(@code::text[], @name::text[], @district::text[], @starts::time[], @ends::time[], @grids::text[]) AS x(c, n, d, s, e, g)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, district_code = excluded.district_code, starts = excluded.starts,
                ends = excluded.ends, grids = excluded.grids
            """);
        cmd.Parameters.AddWithValue("code", shifts.Select(s => s.Code).ToArray());
        cmd.Parameters.AddWithValue("name", shifts.Select(s => s.Name.Trim()).ToArray());
        cmd.Parameters.AddWithValue("district", shifts.Select(s => s.District).ToArray());
        cmd.Parameters.AddWithValue("starts", shifts.Select(s => { TryTime(s.Starts, out var t); return t; }).ToArray());
        cmd.Parameters.AddWithValue("ends", shifts.Select(s => { TryTime(s.Ends, out var t); return t; }).ToArray());
        // Grid codes are digits (checked against the registry above): joining them with commas is lossless.
        cmd.Parameters.AddWithValue("grids", shifts.Select(s => string.Join(',', s.Grids.Distinct())).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
        return TypedResults.Ok(new Saved(shifts.Count));
    }

    public static async Task<Results<Ok<Saved>, ProblemHttpResult>> PutRoster(JsonElement body, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct)
    {
        var (entries, problem) = Items(body, e => e.Deserialize<RosterEntry>(JsonOptions), "roster entry");
        if (problem is not null) return problem;
        var scope = Districts(user);
        var workers = await KnownAsync(db, "SELECT id FROM patrol_workers WHERE id = ANY(@ids)" + InScopeSql, entries!.Select(e => e.Worker ?? ""), ct, scope);
        var shifts = await KnownAsync(db, "SELECT code FROM patrol_shifts WHERE code = ANY(@ids)" + InScopeSql, entries.Select(e => e.Shift ?? ""), ct, scope);
        var errors = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var at = $"[{i}]";
            if (!DateOnly.TryParseExact(e.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                errors.Add($"{at}: day must be a date YYYY-MM-DD, not '{Clip(e.Day)}'");
            if (!workers.Contains(e.Worker ?? "")) errors.Add($"{at}: worker '{Clip(e.Worker)}' does not exist in your districts");
            if (!shifts.Contains(e.Shift ?? "")) errors.Add($"{at}: shift '{Clip(e.Shift)}' does not exist in your districts");
        }
        if (Refuse(errors, "roster") is { } refused) return refused;
        await using var cmd = db.CreateCommand("""
            INSERT INTO patrol_roster (day, worker_id, shift_code)
            SELECT DISTINCT * FROM unnest(@day::date[], @worker::text[], @shift::text[]) ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.AddWithValue("day", entries.Select(e => DateOnly.ParseExact(e.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray());
        cmd.Parameters.AddWithValue("worker", entries.Select(e => e.Worker).ToArray());
        cmd.Parameters.AddWithValue("shift", entries.Select(e => e.Shift).ToArray());
        // The count is of the entries new to the roster: one given twice, or already there, is there once.
        return TypedResults.Ok(new Saved(await cmd.ExecuteNonQueryAsync(ct)));
    }

    /// <summary>Limits a statement to the districts of the @scope parameter (empty: every district).</summary>
    internal const string InScopeSql = " AND (cardinality(@scope::text[]) = 0 OR district_code = ANY(@scope))";

    private static bool TryTime(string? s, out TimeOnly time) =>
        TimeOnly.TryParseExact(s, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
