using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>Limits of the HTTP surface (section <c>Http</c>).</summary>
public sealed class HttpLimitsOptions
{
    /// <summary>
    /// Largest request body of an endpoint that takes no file, in bytes (default 4 MiB: a case, a batch of 5,000 GPS
    /// fixes). File imports take up to <c>Grids:MaxUploadBytes</c>.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Turns the request rate limits off (e.g. behind a gateway that limits already).</summary>
    public bool RateLimitEnabled { get; set; } = true;

    /// <summary>Requests a second one API key may make on average, and its burst (a map opening loads a hundred tiles at once).</summary>
    public int PerKeyPerSecond { get; set; } = 100;
    public int PerKeyBurst { get; set; } = 1000;

    /// <summary>Requests a second from one address, with or without a key (several desks may share an office's address).</summary>
    public int PerAddressPerSecond { get; set; } = 200;
    public int PerAddressBurst { get; set; } = 2000;

    /// <summary>Open event streams (<c>GET /api/events</c>) one API key may hold at once.</summary>
    public int MaxEventStreamsPerKey { get; set; } = 8;

    public bool IsValid() => MaxBodyBytes > 0 && PerKeyPerSecond > 0 && PerKeyBurst >= PerKeyPerSecond && PerAddressPerSecond > 0
        && PerAddressBurst >= PerAddressPerSecond && MaxEventStreamsPerKey > 0;
}

/// <summary>Marks an endpoint that receives a file import: its body may be as large as <c>Grids:MaxUploadBytes</c>.</summary>
public sealed class FileUploadBody;

/// <summary>
/// Body size per endpoint, request rates per API key and per address (429 with <c>Retry-After</c>), and the
/// number of event streams a key may hold: one client cannot take the service from the others.
/// </summary>
public static class RequestLimits
{
    /// <summary>The paths a probe or a scraper must always reach.</summary>
    private static bool Exempt(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpLimitsOptions>().Bind(configuration.GetSection("Http"))
            .Validate(o => o.IsValid(), "Http options are out of range (MaxBodyBytes > 0, PerKeyPerSecond > 0 and PerKeyBurst at least that, PerAddressPerSecond > 0 and PerAddressBurst at least that, MaxEventStreamsPerKey > 0)")
            .ValidateOnStart();
        services.AddSingleton<EventStreamSlots>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                {
                    var limits = http.RequestServices.GetRequiredService<IOptionsMonitor<HttpLimitsOptions>>().CurrentValue;
                    var key = http.User.FindFirst("client_id")?.Value;
                    if (!limits.RateLimitEnabled || key is null || Exempt(http.Request.Path)) return RateLimitPartition.GetNoLimiter("");
                    return RateLimitPartition.GetTokenBucketLimiter("key:" + key, _ => Bucket(limits.PerKeyPerSecond, limits.PerKeyBurst));
                }),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                {
                    var limits = http.RequestServices.GetRequiredService<IOptionsMonitor<HttpLimitsOptions>>().CurrentValue;
                    if (!limits.RateLimitEnabled || Exempt(http.Request.Path)) return RateLimitPartition.GetNoLimiter("");
                    var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                    return RateLimitPartition.GetTokenBucketLimiter("address:" + address, _ => Bucket(limits.PerAddressPerSecond, limits.PerAddressBurst));
                }));
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var who = http.User.FindFirst("client_id") is not null ? "this API key" : "this address";
                await Problems.Create(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
                    $"{who} has made more requests than the service takes (Http:PerKeyPerSecond, Http:PerAddressPerSecond); retry after {seconds} s").ExecuteAsync(http);
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>After authentication: rates per key and address, then the body cap of the endpoint.</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        app.Use(async (http, next) =>
        {
            var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature is { IsReadOnly: false })
            {
                var limits = http.RequestServices.GetRequiredService<IOptionsMonitor<HttpLimitsOptions>>().CurrentValue;
                var upload = http.GetEndpoint()?.Metadata.GetMetadata<FileUploadBody>() is not null;
                feature.MaxRequestBodySize = upload
                    ? http.RequestServices.GetRequiredService<IOptions<Grids.GridsOptions>>().Value.MaxUploadBytes + 1024 * 1024
                    : limits.MaxBodyBytes;
            }
            await next(http);
        });
        return app;
    }

    /// <summary>What a client whose body ran over the endpoint's cap is told: the cap and the setting that makes it.</summary>
    public static string BodyCapDetail(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<FileUploadBody>() is not null)
        {
            var upload = http.RequestServices.GetRequiredService<IOptions<Grids.GridsOptions>>().Value.MaxUploadBytes;
            return $"the upload is over the limit of {upload:N0} bytes (Grids:MaxUploadBytes)";
        }
        var max = http.RequestServices.GetRequiredService<IOptionsMonitor<HttpLimitsOptions>>().CurrentValue.MaxBodyBytes;
        return $"the request body is over the limit of {max:N0} bytes for this endpoint (Http:MaxBodyBytes)";
    }

    /// <summary>Lets an endpoint take a file import as large as <c>Grids:MaxUploadBytes</c>.</summary>
    public static TBuilder AcceptsFileUpload<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new FileUploadBody());
}

/// <summary>Counts the event streams each API key holds open.</summary>
public sealed class EventStreamSlots(IOptionsMonitor<HttpLimitsOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Takes a slot for the key, or null when it holds its maximum already; dispose the slot when the stream ends.</summary>
    public IDisposable? TryTake(string key)
    {
        var max = options.CurrentValue.MaxEventStreamsPerKey;
        while (true)
        {
            var now = _open.GetOrAdd(key, 0);
            if (now >= max) return null;
            if (_open.TryUpdate(key, now + 1, now)) return new Slot(this, key);
        }
    }

    public int Open(string key) => _open.TryGetValue(key, out var n) ? n : 0;

    private void Release(string key)
    {
        while (true)
        {
            var now = _open.GetOrAdd(key, 1);
            if (now <= 1 ? _open.TryRemove(new KeyValuePair<string, int>(key, now)) : _open.TryUpdate(key, now - 1, now)) return;
        }
    }

    private sealed class Slot(EventStreamSlots slots, string key) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) slots.Release(key);
        }
    }
}
