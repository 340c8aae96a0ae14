using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// <c>POST /api/patrols/positions</c>: the gps batch of the device protocol, for a phone app without MQTT. A key bound to a
/// worker sends only that worker's fixes (<see cref="WorkerBinding"/>); an unbound key those of any worker of its districts.
/// </summary>
public static class PositionsEndpoint
{
    public sealed record Refusal(int Index, string? Worker, string Reason, string Detail);

    /// <summary>Stored counts the fixes new to the service (flagged ones among them); repeats were already stored.</summary>
    public sealed record Accepted(int Stored, int Flagged, int Repeats, IReadOnlyList<Refusal> Refused);

    public static async Task<Results<Ok<Accepted>, ProblemHttpResult>> Post(HttpRequest request, PositionPipeline pipeline,
        IOptions<PatrolsOptions> options, ClaimsPrincipal user, CancellationToken ct)
    {
        var max = options.Value.MaxBodyBytes;
        if (request.ContentLength > max)
            return Problems.TooLarge($"the body is {request.ContentLength:N0} bytes; the limit is {max:N0} (Patrols:MaxBodyBytes)");
        var body = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + n > max) return Problems.TooLarge($"the body is over the limit of {max:N0} bytes (Patrols:MaxBodyBytes)");
            body.Write(buffer, 0, n);
        }
        var payload = body.ToArray();
        var client = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity?.Name ?? "anonymous";
        // Scopes of districts or sub-districts: a worker's district must be among their first six digits.
        var districts = CallerScope.Of(user).Districts;
        var batch = pipeline.Prepare(null, $"http:{client}", "POST /api/patrols/positions", payload, payload.Length, districts);
        // A worker's own key sends only that worker's fixes: a batch naming another worker is refused whole, nothing stored.
        var bound = WorkerBinding.Of(user);
        var named = batch.Parsed.Fixes.Select(f => f.Worker).Concat(batch.Parsed.Problems.Select(p => p.Worker));
        if (named.Select(w => WorkerBinding.Refusal(bound, w)).FirstOrDefault(r => r is not null) is { } why) return WorkerBinding.Forbidden(why);
        await pipeline.SubmitAsync(batch, ct);
        var o = await batch.Done.Task.WaitAsync(ct);
        var refused = o.Refused.Select(p => new Refusal(p.Index, p.Worker, p.Reason, p.Detail)).ToList();
        if (o.RefusedWhole)
        {
            return o.BatchReason == RejectReasons.TooManyFixes
                ? Problems.Create(StatusCodes.Status413PayloadTooLarge, o.BatchReason, "The batch is too large", o.BatchDetail!)
                : Problems.BadRequest(o.BatchReason!, o.BatchDetail!);
        }
        if (o.Stored + o.Repeats == 0 && refused.Count > 0)
            return Problems.Unprocessable("fixes-refused", PositionDeadLetters.Detail(o), new Dictionary<string, object?> { ["refused"] = refused });
        return TypedResults.Ok(new Accepted(o.Stored, o.Flagged, o.Repeats, refused));
    }
}
