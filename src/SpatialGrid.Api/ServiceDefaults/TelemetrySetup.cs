using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SpatialGrid.Api.Cases;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>Settings of metrics and traces (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// Whether <c>/metrics</c> asks for an API key (any role). Off by default: Prometheus scrapes from inside the
    /// network the service listens on (127.0.0.1 by default) and its counts show no case, alert or person.
    /// </summary>
    public bool MetricsRequireKey { get; set; }
}

public static class TelemetrySetup
{
    public static IServiceCollection AddSpatialGridTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection("Telemetry"));
        services.AddSingleton<OpenCaseColours>();
        services.AddSingleton<Telemetry>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("spatialgrid"))
            // The service's meter, ASP.NET Core's (http.server.request.duration by route template) and the runtime's.
            .WithMetrics(m => m.AddMeter(Telemetry.Name).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddPrometheusExporter())
            // Traces: HTTP requests (continuing a traceparent header) and MQTT messages, so that each has a trace id to
            // correlate by (Correlation); an exporter (OTLP) can be added here where a collector runs.
            .WithTracing(t => t.AddSource(Telemetry.Name).AddAspNetCoreInstrumentation());
        // The trace id in every log line's scopes (JSON console: Logging:Console:FormatterName=json, IncludeScopes).
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        return services;
    }

    /// <summary>Prometheus' text format at <c>/metrics</c>, outside the OpenAPI document (its contract is Prometheus').</summary>
    public static void MapSpatialGridMetrics(this WebApplication app)
    {
        // Created now, so the gauges exist from the first scrape on.
        app.Services.GetRequiredService<Telemetry>();
        var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value.MetricsRequireKey)
            metrics.RequireAuthorization(p => p.RequireAuthenticatedUser());
        else metrics.AllowAnonymous();
    }
}
