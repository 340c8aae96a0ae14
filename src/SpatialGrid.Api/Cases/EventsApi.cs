using System.Text.Json;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Cases;

/// <summary><c>GET /api/events</c>: case events as Server-Sent Events, filtered by district or grid code prefix.</summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapCaseEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", Stream).WithTags("Cases").RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("Server-Sent Events of cases: created, transitioned, colour (crossed into yellow or red); filter with district= or grid= (a code prefix)")
            .WithDescription("At most Http:MaxEventStreamsPerKey streams per API key at once (429 too-many-streams beyond).");
        return app;
    }

    private static async Task<IResult> Stream(HttpContext http, CaseNotifier notifier, EventStreamSlots slots, string? district, string? grid, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        if (district is not null && (district.Length != 6 || !district.All(char.IsAsciiDigit)))
            return Problems.BadRequest("bad-district", "district is a 6-digit county code");
        if (grid is not null && (grid.Length is 0 or > 15 || !grid.All(char.IsAsciiDigit)))
            return Problems.BadRequest("bad-grid", "grid is a grid code prefix (digits)");
        var scope = CallerScope.Of(user);
        // A key holds a bounded number of streams: a page reopened in a loop cannot hold the service's connections.
        using var slot = slots.TryTake(user.FindFirst("client_id")?.Value ?? "");
        if (slot is null)
            return Problems.Create(StatusCodes.Status429TooManyRequests, "too-many-streams", "Too many event streams",
                $"this API key holds {slots.Open(user.FindFirst("client_id")?.Value ?? "")} event streams already, the most it may (Http:MaxEventStreamsPerKey); close one first");
        using var subscription = notifier.Subscribe();
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync(": connected\n\n", ct);
        await response.Body.FlushAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // A comment every 15 s keeps proxies from closing an idle stream.
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                beat.CancelAfter(TimeSpan.FromSeconds(15));
                CaseNotification n;
                try
                {
                    n = await subscription.Reader.ReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                if (!scope.Sees(n.DistrictCode, n.GridCode)) continue;
                if (district is not null && n.DistrictCode != district) continue;
                if (grid is not null && !(n.GridCode ?? n.DistrictCode).StartsWith(grid, StringComparison.Ordinal)) continue;
                await response.WriteAsync($"event: {n.Kind}\ndata: {JsonSerializer.Serialize(n, JsonSerializerOptions.Web)}\n\n", ct);
                await response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        return Results.Empty;
    }
}
