using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Patrols;

/// <summary>The organisation's lists, within the caller's districts.</summary>
public static partial class PatrolOrganisation
{
    public static async Task<Ok<List<Team>>> Teams(NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, name, district_code, sub_district_code FROM patrol_teams WHERE true" + InScopeSql + " ORDER BY id");
        cmd.Parameters.AddWithValue("scope", Districts(user));
        var result = new List<Team>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(new Team(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<PagedList<Worker>>, ProblemHttpResult>> Workers(NpgsqlDataSource db, ClaimsPrincipal user,
        string? team, string? role, string? q, bool? active, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        if (role is not null && !WorkerRoles.Contains(role)) return Problems.BadRequest("bad-request", $"role must be one of {string.Join(", ", WorkerRoles)}");
        var (p, size) = (page ?? 1, pageSize ?? Paging.DefaultPageSize);
        await using var cmd = db.CreateCommand("""
            SELECT id, name, team_id, role, device_id, district_code, active, count(*) OVER () FROM patrol_workers
            WHERE (@team::text IS NULL OR team_id = @team) AND (@role::text IS NULL OR role = @role) AND (@active::bool IS NULL OR active = @active)
              AND (@q::text IS NULL OR strpos(lower(id || ' ' || name), lower(@q)) > 0)
            """ + InScopeSql + " ORDER BY id LIMIT @limit OFFSET @offset");
        cmd.Parameters.AddWithValue("team", (object?)team ?? DBNull.Value);
        cmd.Parameters.AddWithValue("role", (object?)role ?? DBNull.Value);
        cmd.Parameters.AddWithValue("active", (object?)active ?? DBNull.Value);
        cmd.Parameters.AddWithValue("q", (object?)q ?? DBNull.Value);
        cmd.Parameters.AddWithValue("scope", Districts(user));
        cmd.Parameters.AddWithValue("limit", size);
        cmd.Parameters.AddWithValue("offset", (long)(p - 1) * size);
        var items = new List<Worker>();
        var total = 0L;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new Worker(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), r.GetBoolean(6)));
            total = r.GetInt64(7);
        }
        return TypedResults.Ok(new PagedList<Worker>(items, p, size, (int)total));
    }

    public static async Task<Ok<List<Shift>>> Shifts(NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT code, name, district_code, starts, ends, grids FROM patrol_shifts WHERE true" + InScopeSql + " ORDER BY code");
        cmd.Parameters.AddWithValue("scope", Districts(user));
        var result = new List<Shift>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new Shift(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<TimeOnly>(3).ToString("HH:mm"),
                r.GetFieldValue<TimeOnly>(4).ToString("HH:mm"), r.GetFieldValue<string[]>(5)));
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<List<RosterEntry>>, ProblemHttpResult>> Roster(NpgsqlDataSource db, ClaimsPrincipal user, string? date, CancellationToken ct)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Problems.BadRequest("bad-request", $"date must be a date YYYY-MM-DD, not '{Clip(date)}'");
        await using var cmd = db.CreateCommand("""
            SELECT r.day, r.worker_id, r.shift_code FROM patrol_roster r JOIN patrol_workers w ON w.id = r.worker_id
            WHERE r.day = @day AND (cardinality(@scope::text[]) = 0 OR w.district_code = ANY(@scope)) ORDER BY r.shift_code, r.worker_id
            """);
        cmd.Parameters.AddWithValue("day", day);
        cmd.Parameters.AddWithValue("scope", Districts(user));
        var result = new List<RosterEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(new RosterEntry(r.GetFieldValue<DateOnly>(0).ToString("yyyy-MM-dd"), r.GetString(1), r.GetString(2)));
        return TypedResults.Ok(result);
    }
}
