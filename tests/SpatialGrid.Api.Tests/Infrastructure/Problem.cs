using System.Net;
using System.Text.Json;

namespace SpatialGrid.Api.Tests.Infrastructure;

/// <summary>Reads a problem+json answer and checks its status and type.</summary>
public sealed record Problem(HttpStatusCode Status, string Type, string Detail, JsonElement Body)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return new Problem(response.StatusCode, body.GetProperty("type").GetString()!, body.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "", body);
    }

    public static async Task<Problem> ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string kind)
    {
        var problem = await ReadAsync(response);
        Assert.Equal(status, problem.Status);
        Assert.Equal("urn:spatialgrid:problem:" + kind, problem.Type);
        return problem;
    }

    /// <summary>The import errors of a grid-import-invalid problem, as (kind, feature, message).</summary>
    public IReadOnlyList<(string Kind, int? Feature, string Message)> Errors =>
        Body.GetProperty("errors").EnumerateArray().Select(e => (
            e.GetProperty("kind").GetString()!,
            e.GetProperty("feature").ValueKind == JsonValueKind.Number ? e.GetProperty("feature").GetInt32() : (int?)null,
            e.GetProperty("message").GetString()!)).ToList();
}
