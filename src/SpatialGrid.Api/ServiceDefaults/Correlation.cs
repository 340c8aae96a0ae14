using System.Diagnostics;
using MQTTnet.Packets;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// One correlation id from an HTTP request or an MQTT message to the case it opened: the W3C trace id. HTTP takes it
/// from a <c>traceparent</c> header (ASP.NET Core's activity), MQTT 5 from a <c>traceparent</c> user property (one
/// activity per message); without one a new trace begins. It is in the log scopes (TraceId), in the response headers
/// (<c>traceparent</c>, <c>X-Correlation-Id</c>) and stored with the first event of the case (<c>case_events.trace_id</c>).
/// </summary>
public static class Correlation
{
    public const string Header = "X-Correlation-Id";

    /// <summary>The trace id of the work in progress (the request's or the message's activity), or null outside one.</summary>
    public static string? CurrentId => Activity.Current is { } a && a.TraceId != default ? a.TraceId.ToHexString() : null;

    /// <summary>The activity of one MQTT message: a child of its <c>traceparent</c> user property (MQTT 5) if it has a valid one, else a new trace.</summary>
    public static Activity? StartMessage(string gateway, string? topic, IEnumerable<MqttUserProperty>? properties)
    {
        string? parent = null, state = null;
        foreach (var p in properties ?? [])
        {
            if (string.Equals(p.Name, "traceparent", StringComparison.OrdinalIgnoreCase)) parent = p.Value;
            else if (string.Equals(p.Name, "tracestate", StringComparison.OrdinalIgnoreCase)) state = p.Value;
        }
        // A message is a unit of work of its own: without a parent it starts a trace, whatever activity the broker's thread carries.
        if (!ActivityContext.TryParse(parent, state, isRemote: true, out var context)) Activity.Current = null;
        var activity = Telemetry.Activities.StartActivity("mqtt process", ActivityKind.Consumer, context);
        activity?.SetTag("messaging.system", "mqtt").SetTag("messaging.destination.name", topic).SetTag("spatialgrid.gateway", gateway);
        return activity;
    }

    /// <summary>Sends the request's trace back: <c>traceparent</c> (to join the trace) and <c>X-Correlation-Id</c> (the trace id alone, to quote).</summary>
    public static IApplicationBuilder UseCorrelation(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (Activity.Current is { } a && a.TraceId != default)
        {
            http.Response.Headers[Header] = a.TraceId.ToHexString();
            http.Response.Headers["traceparent"] = a.Id;
        }
        return next(http);
    });

    /// <summary>Logs a case opened by an MQTT message, in the scope of that message's trace id (the writer works on batches, outside the message's activity).</summary>
    public static void LogOpened(ILogger log, IEnumerable<Ingestion.OpenedCase> opened)
    {
        if (!log.IsEnabled(LogLevel.Information)) return;
        foreach (var c in opened)
        {
            using var scope = log.BeginScope(new Dictionary<string, object?> { ["TraceId"] = c.TraceId });
            log.LogInformation("Case {Number} opened in grid {Grid} by device {Device} (trace {TraceId})", c.Number, c.GridCode, c.Device, c.TraceId);
        }
    }
}
