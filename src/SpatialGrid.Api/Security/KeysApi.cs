using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Patrols;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Security;

/// <summary>
/// API clients and their keys: admins create, list and revoke them. A key is shown once, at creation. An admin key
/// with scopes manages only keys within its own scopes (<see cref="CallerScope.Covers"/>): it cannot mint a key wider
/// than itself, and another district's keys answer 404. A patrol key may be bound to one patrol worker (<c>worker</c>,
/// <see cref="WorkerBinding"/>): it is scoped to that worker's district unless scopes are given that reach it.
/// </summary>
public static class KeysApi
{
    public sealed record CreateKeyRequest(string Name, string[] Roles, string[]? Scopes, string? Worker = null);
    public sealed record CreatedKey(long Id, string Name, string[] Roles, string[] Scopes, string Key, string? Worker = null);
    public sealed record KeyInfo(long Id, string Name, string Prefix, string[] Roles, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt,
        string? Worker = null);

    public static IEndpointRouteBuilder MapKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(SecuritySetup.AdminPolicy);
        group.MapPost("/", Create).WithSummary("Create an API client; the key is returned once")
            .WithDescription("name, roles, optional scopes (6-digit districts, 9-digit sub-districts) and worker: a key of role patrol " +
                "bound to one active patrol worker (a worker's phone) posts fixes, reports cases and answers tasks only as that worker " +
                "(naming another is 403 not-your-worker); it is scoped to the worker's district unless scopes are given that reach it. " +
                "A patrol key without worker is a relay (a team's gateway or app) and may name any worker of its districts.");
        group.MapGet("/", List).WithSummary("List API clients (without secrets)");
        group.MapDelete("/{id:long}", Revoke).WithSummary("Revoke an API client's key");
        return app;
    }

    private static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> Create(CreateKeyRequest request, SpatialGridDb db, Npgsql.NpgsqlDataSource dataSource,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
            return Problems.BadRequest("bad-name", "name is required and at most 100 characters");
        var unknown = (request.Roles ?? []).Where(r => !Roles.All.Contains(r)).ToArray();
        if (request.Roles is null || request.Roles.Length == 0 || unknown.Length > 0)
            return Problems.BadRequest("bad-roles", $"roles must be one or more of {string.Join(", ", Roles.All)}" + (unknown.Length > 0 ? $"; unknown: {string.Join(", ", unknown)}" : ""));
        var scopes = request.Scopes ?? [];
        if (scopes.Any(c => c.Length is not (6 or 9) || !c.All(char.IsAsciiDigit)))
            return Problems.BadRequest("bad-scopes", "scopes are 6-digit district or 9-digit sub-district codes");
        if (request.Worker is { } worker)
        {
            if (!request.Roles.Contains(Roles.Patrol))
                return Problems.BadRequest("bad-worker", "only a key of role patrol is bound to a patrol worker (worker)");
            // The worker must be one the creating admin sees: another district's worker answers as unknown.
            var district = worker.Length > 64 ? null : await WorkerDistrictAsync(dataSource, worker, ct);
            if (district is null || !CallerScope.Of(user).ReachesDistrict(district))
                return Problems.BadRequest("bad-worker", $"worker '{PatrolOrganisation.Clip(worker)}' is not an active patrol worker (POST /api/patrols/workers)");
            if (scopes.Length == 0) scopes = [district];
            else if (!scopes.Any(s => s.StartsWith(district, StringComparison.Ordinal)))
                return Problems.BadRequest("bad-worker", $"worker '{worker}' belongs to district {district}, which the key's scopes do not reach");
        }
        if (!CallerScope.Of(user).Covers(scopes))
            return Problems.Create(403, "out-of-scope", "Forbidden", "a scoped admin key creates keys only within its own scopes, and names them");
        var (key, prefix, hash) = ApiKeys.Create();
        var client = new ApiClient { Name = request.Name.Trim(), KeyPrefix = prefix, KeyHash = hash, Roles = request.Roles.Distinct().ToArray(), Scopes = scopes.Distinct().ToArray(),
            WorkerId = request.Worker, CreatedAt = DateTimeOffset.UtcNow };
        db.ApiClients.Add(client);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/keys/{client.Id}", new CreatedKey(client.Id, client.Name, client.Roles, client.Scopes, key, client.WorkerId));
    }

    private static async Task<string?> WorkerDistrictAsync(Npgsql.NpgsqlDataSource dataSource, string worker, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT district_code FROM patrol_workers WHERE id = @id AND active");
        cmd.Parameters.AddWithValue("id", worker);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<Ok<List<KeyInfo>>> List(SpatialGridDb db, ClaimsPrincipal user)
    {
        // Few keys: the scope is checked here rather than in SQL.
        var scope = CallerScope.Of(user);
        var all = await db.ApiClients.OrderBy(c => c.Id).Select(c => new KeyInfo(c.Id, c.Name, c.KeyPrefix, c.Roles, c.Scopes, c.CreatedAt, c.RevokedAt, c.WorkerId)).ToListAsync();
        return TypedResults.Ok(all.Where(k => scope.Covers(k.Scopes)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(long id, SpatialGridDb db, ClaimsPrincipal user, ApiKeyCache cache)
    {
        var client = await db.ApiClients.FirstOrDefaultAsync(c => c.Id == id && c.RevokedAt == null);
        if (client is null || !CallerScope.Of(user).Covers(client.Scopes)) return Problems.NotFound("key-not-found", $"no active API client with id {id}");
        client.RevokedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        cache.Clear();
        return TypedResults.NoContent();
    }
}
