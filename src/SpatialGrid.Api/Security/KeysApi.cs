using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Security;

/// <summary>
/// API clients and their keys: admins create, list and revoke them. A key is shown once, at creation. An admin key
/// with scopes manages only keys within its own scopes (<see cref="CallerScope.Covers"/>): it cannot mint a key wider
/// than itself, and another district's keys answer 404.
/// </summary>
public static class KeysApi
{
    public sealed record CreateKeyRequest(string Name, string[] Roles, string[]? Scopes);
    public sealed record CreatedKey(long Id, string Name, string[] Roles, string[] Scopes, string Key);
    public sealed record KeyInfo(long Id, string Name, string Prefix, string[] Roles, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    public static IEndpointRouteBuilder MapKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(SecuritySetup.AdminPolicy);
        group.MapPost("/", Create).WithSummary("Create an API client; the key is returned once");
        group.MapGet("/", List).WithSummary("List API clients (without secrets)");
        group.MapDelete("/{id:long}", Revoke).WithSummary("Revoke an API client's key");
        return app;
    }

    private static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> Create(CreateKeyRequest request, SpatialGridDb db, ClaimsPrincipal user)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
            return Problems.BadRequest("bad-name", "name is required and at most 100 characters");
        var unknown = (request.Roles ?? []).Where(r => !Roles.All.Contains(r)).ToArray();
        if (request.Roles is null || request.Roles.Length == 0 || unknown.Length > 0)
            return Problems.BadRequest("bad-roles", $"roles must be one or more of {string.Join(", ", Roles.All)}" + (unknown.Length > 0 ? $"; unknown: {string.Join(", ", unknown)}" : ""));
        var scopes = request.Scopes ?? [];
        if (scopes.Any(c => c.Length is not (6 or 9) || !c.All(char.IsAsciiDigit)))
            return Problems.BadRequest("bad-scopes", "scopes are 6-digit district or 9-digit sub-district codes");
        if (!CallerScope.Of(user).Covers(scopes))
            return Problems.Create(403, "out-of-scope", "Forbidden", "a scoped admin key creates keys only within its own scopes, and names them");
        var (key, prefix, hash) = ApiKeys.Create();
        var client = new ApiClient { Name = request.Name.Trim(), KeyPrefix = prefix, KeyHash = hash, Roles = request.Roles.Distinct().ToArray(), Scopes = scopes.Distinct().ToArray(), CreatedAt = DateTimeOffset.UtcNow };
        db.ApiClients.Add(client);
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/keys/{client.Id}", new CreatedKey(client.Id, client.Name, client.Roles, client.Scopes, key));
    }

    private static async Task<Ok<List<KeyInfo>>> List(SpatialGridDb db, ClaimsPrincipal user)
    {
        // Few keys: the scope is checked here rather than in SQL.
        var scope = CallerScope.Of(user);
        var all = await db.ApiClients.OrderBy(c => c.Id).Select(c => new KeyInfo(c.Id, c.Name, c.KeyPrefix, c.Roles, c.Scopes, c.CreatedAt, c.RevokedAt)).ToListAsync();
        return TypedResults.Ok(all.Where(k => scope.Covers(k.Scopes)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(long id, SpatialGridDb db, ClaimsPrincipal user)
    {
        var client = await db.ApiClients.FirstOrDefaultAsync(c => c.Id == id && c.RevokedAt == null);
        if (client is null || !CallerScope.Of(user).Covers(client.Scopes)) return Problems.NotFound("key-not-found", $"no active API client with id {id}");
        client.RevokedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }
}
