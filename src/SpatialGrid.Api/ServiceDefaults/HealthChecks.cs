using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Hotspots;
using SpatialGrid.Api.Ingestion;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>Limits of the readiness checks (section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>
    /// Alert messages waiting for the writer at which the instance is not ready; 0: four fifths of
    /// <c>Ingestion:QueueCapacity</c> (past the capacity publishers are slowed, so the limit must lie below it).
    /// </summary>
    public int MaxWriterQueue { get; set; }
    /// <summary>A hotspot model older than this is reported degraded (the nightly run trains one a day; 36 h allows one missed night's lateness).</summary>
    public double ModelMaxAgeHours { get; set; } = 36;
    /// <summary>How long the database check waits for <c>SELECT 1</c>.</summary>
    public double DatabaseTimeoutSeconds { get; set; } = 3;

    public bool IsValid() => MaxWriterQueue >= 0 && ModelMaxAgeHours > 0 && DatabaseTimeoutSeconds > 0;
}

/// <summary>
/// <c>/health/live</c>: the process answers (no dependency is asked, so a slow database never gets the process
/// restarted). <c>/health/ready</c>: the database answers, the broker is up, the alert writer keeps up, the hotspot
/// model is fresh; JSON with each check, 503 when one is unhealthy (a stale model is degraded: still 200).
/// <c>/health</c> stays what the deploy scripts wait for: the process is up (as live).
/// </summary>
public static class HealthChecks
{
    public const string Ready = "ready";

    public static IServiceCollection AddSpatialGridHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection("Health"))
            .Validate(o => o.IsValid(), "Health options must be positive (ModelMaxAgeHours, DatabaseTimeoutSeconds; MaxWriterQueue 0 or more)").ValidateOnStart();
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<BrokerCheck>("broker", tags: [Ready])
            .AddCheck<WriterQueueCheck>("writer-queue", tags: [Ready])
            .AddCheck<ModelFreshnessCheck>("hotspot-model", failureStatus: HealthStatus.Degraded, tags: [Ready]);
        return services;
    }

    public static void MapSpatialGridHealth(this WebApplication app)
    {
        // Probes and load balancers carry no key; none of these shows data. They are left out of the OpenAPI
        // document: their contract is the probe's (status code), not an API client's.
        var live = new HealthCheckOptions { Predicate = _ => false };
        app.MapHealthChecks("/health", live).AllowAnonymous();
        app.MapHealthChecks("/health/live", live).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(Ready),
            ResponseWriter = WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = Name(report.Status),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = Name(e.Value.Status),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        }, cancellationToken: http.RequestAborted);
    }

    private static string Name(HealthStatus s) => s switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>The database answers a query within <see cref="HealthOptions.DatabaseTimeoutSeconds"/>.</summary>
    private sealed class DatabaseCheck(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<HealthOptions> options) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.DatabaseTimeoutSeconds));
            try
            {
                await using var cmd = dataSource.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync(timeout.Token);
                return HealthCheckResult.Healthy("PostgreSQL answers");
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return HealthCheckResult.Unhealthy($"PostgreSQL does not answer: {(e is OperationCanceledException ? $"no answer within {options.Value.DatabaseTimeoutSeconds:0.#} s" : e.Message)}");
            }
        }
    }

    /// <summary>The embedded broker listens, or the client of the external broker is connected.</summary>
    private sealed class BrokerCheck(EmbeddedBroker embedded, ExternalBroker external, Microsoft.Extensions.Options.IOptions<IngestionOptions> options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            var o = options.Value;
            return Task.FromResult(!o.Enabled ? HealthCheckResult.Healthy("ingestion is off (Ingestion:Enabled=false)")
                : o.IsExternal
                    ? external.Connected ? HealthCheckResult.Healthy($"connected to the external broker {o.External.Host}:{o.External.Port}")
                        : HealthCheckResult.Unhealthy($"not connected to the external broker {o.External.Host}:{o.External.Port}")
                    : embedded.Started ? HealthCheckResult.Healthy($"the embedded broker listens on {o.BindAddress}:{o.Port}")
                        : HealthCheckResult.Unhealthy($"the embedded broker is not listening on {o.BindAddress}:{o.Port}"));
        }
    }

    /// <summary>The alert writer keeps up: its queue is under <see cref="HealthOptions.MaxWriterQueue"/> and it is not waiting for the database.</summary>
    private sealed class WriterQueueCheck(AlertPipeline pipeline, Microsoft.Extensions.Options.IOptions<HealthOptions> options,
        Microsoft.Extensions.Options.IOptions<IngestionOptions> ingestion) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            var queued = pipeline.Queued;
            var max = options.Value.MaxWriterQueue > 0 ? options.Value.MaxWriterQueue : Math.Max(1, ingestion.Value.QueueCapacity * 4 / 5);
            var data = new Dictionary<string, object> { ["queued"] = queued, ["limit"] = max };
            return Task.FromResult(pipeline.Paused ? HealthCheckResult.Unhealthy($"the alert writer waits for the database ({queued:N0} queued)", data: data)
                : queued >= max ? HealthCheckResult.Unhealthy($"{queued:N0} alerts wait for the writer; the limit is {max:N0} (Health:MaxWriterQueue)", data: data)
                : HealthCheckResult.Healthy($"{queued:N0} alerts wait for the writer (limit {max:N0})", data));
        }
    }

    /// <summary>
    /// The latest hotspot model is younger than <see cref="HealthOptions.ModelMaxAgeHours"/>; older is degraded, not
    /// unhealthy (risk is advice). Only a model that scored the day it was trained on (in the city) counts: one trained
    /// today for a past day (a planner's look back) leaves today unscored, and must not hide a nightly run that failed.
    /// </summary>
    private sealed class ModelFreshnessCheck(NpgsqlDataSource dataSource, TimeProvider clock, CalendarProvider calendar,
        Microsoft.Extensions.Options.IOptions<HealthOptions> options) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            await using var cmd = dataSource.CreateCommand(
                "SELECT max(trained_at) FROM risk_models WHERE scored_day >= ((trained_at AT TIME ZONE 'UTC') + @offset)::date");
            cmd.Parameters.AddWithValue("offset", calendar.Calendar.UtcOffset);
            if (await cmd.ExecuteScalarAsync(ct) is not DateTime trained)
                return HealthCheckResult.Healthy("no hotspot model has been trained for its own day yet (training needs 65 days of cases)");
            var age = clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(trained, DateTimeKind.Utc));
            var max = options.Value.ModelMaxAgeHours;
            var data = new Dictionary<string, object> { ["trainedAt"] = trained.ToString("O"), ["ageHours"] = Math.Round(age.TotalHours, 1), ["limitHours"] = max };
            return age.TotalHours > max
                ? HealthCheckResult.Degraded($"the latest hotspot model is {age.TotalHours:0.#} h old; the limit is {max:0.#} h (Health:ModelMaxAgeHours): risk and patrol plans use old scores", data: data)
                : HealthCheckResult.Healthy($"the latest hotspot model is {age.TotalHours:0.#} h old (limit {max:0.#} h)", data);
        }
    }
}
