using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Security;

/// <summary>API clients and their keys: admins create, list and revoke them. A key is shown once, at creation.</summary>
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

    private static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> Create(CreateKeyRequest request, SpatialGridDb db)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
            return Problems.BadRequest("bad-name", "name is required and at most 100 characters");
        var unknown = (request.Roles ?? []).Where(r => !Roles.All.Contains(r)).ToArray();
        if (request.Roles is null || request.Roles.Length == 0 || unknown.Length > 0)
            return Problems.BadRequest("bad-roles", $"roles must be one or more of {string.Join(", ", Roles.All)}" + (unknown.Length > 0 ? $"; unknown: {string.Join(", ", unknown)}" : ""));
        var scopes = request.Scopes ?? [];
        if (scopes.Any(c => c.Length is not (6 or 9) || !c.All(char.IsAsciiDigit)))
            return Problems.BadRequest("bad-scopes", "scopes are 6-digit district or 9-digit sub-district codes");
        var (key, prefix, hash) = ApiKeys.Create();
        var client = new ApiClient { Name = request.Name.Trim(), KeyPrefix = prefix, KeyHash = hash, Roles = request.Roles.Distinct().ToArray(), Scopes = scopes.Distinct().ToArray(), CreatedAt = DateTimeOffset.UtcNow };
        db.ApiClients.Add(client);
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/keys/{client.Id}", new CreatedKey(client.Id, client.Name, client.Roles, client.Scopes, key));
    }

    private static async Task<Ok<List<KeyInfo>>> List(SpatialGridDb db) =>
        TypedResults.Ok(await db.ApiClients.OrderBy(c => c.Id)
            .Select(c => new KeyInfo(c.Id, c.Name, c.KeyPrefix, c.Roles, c.Scopes, c.CreatedAt, c.RevokedAt)).ToListAsync());

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(long id, SpatialGridDb db)
    {
        var n = await db.ApiClients.Where(c => c.Id == id && c.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, DateTimeOffset.UtcNow));
        return n == 0 ? Problems.NotFound("key-not-found", $"no active API client with id {id}") : TypedResults.NoContent();
    }
}
