using System.Diagnostics;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// <c>Server-Timing: app;dur=…</c> on every response: the time from the request entering the pipeline to the
/// response starting. Beside an endpoint's own entries (a tile's <c>db</c>), it tells the service's time from the
/// network's in a browser's timing panel or a benchmark.
/// </summary>
public static class ServerTiming
{
    public static IApplicationBuilder UseServerTiming(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        ctx.Response.OnStarting(() =>
        {
            ctx.Response.Headers.Append("Server-Timing", FormattableString.Invariant($"app;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.000}"));
            return Task.CompletedTask;
        });
        await next();
    });
}
