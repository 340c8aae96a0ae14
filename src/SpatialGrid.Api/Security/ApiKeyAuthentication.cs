using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using SpatialGrid.Api.Data;

namespace SpatialGrid.Api.Security;

/// <summary>Options of access control (section <c>Security</c>).</summary>
public sealed class SecurityOptions
{
    /// <summary>Let anonymous callers read (GET); writes always need a key.</summary>
    public bool AnonymousReads { get; set; } = true;

    /// <summary>Where the first admin key is written when none exists (the demo start prints it once). Empty: no bootstrap.</summary>
    public string? BootstrapAdminKeyFile { get; set; }

    /// <summary>
    /// Seconds an accepted key's caller is remembered without asking the database again (<see cref="ApiKeyCache"/>);
    /// a revocation in this process takes effect at once. 0 asks the database on every request.
    /// </summary>
    public int KeyCacheSeconds { get; set; } = 5;
}

/// <summary>
/// Reads the key from <c>X-Api-Key</c> or <c>Authorization: ApiKey …</c> / <c>Bearer sgk_…</c> / <c>Basic</c> (the
/// key as the password, for GIS clients). The database
/// context is taken only when a request carries a key: building one cost every anonymous read (a map's tiles)
/// ~50–70 µs, a third of a cached tile's whole round trip (measured stage by stage).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public new const string Scheme = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers["X-Api-Key"].FirstOrDefault();
        var authorization = Request.Headers.Authorization.FirstOrDefault();
        if (key is null && authorization is not null)
        {
            foreach (var scheme in new[] { "ApiKey ", "Bearer " })
            {
                if (authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) key = authorization[scheme.Length..].Trim();
            }
            if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                && (key = BasicPassword(authorization["Basic ".Length..].Trim())) is null)
                return AuthenticateResult.Fail("the Basic credentials are not Base64 of user:key");
        }
        if (string.IsNullOrEmpty(key)) return AuthenticateResult.NoResult();
        var (principal, failure) = await PrincipalAsync(Context.RequestServices, key);
        return principal is null ? AuthenticateResult.Fail(failure!) : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme));
    }

    /// <summary>
    /// The password of HTTP Basic credentials (any user name), taken as the key: GIS clients that send no header of
    /// their own choosing carry the key this way (QGIS 3.22, Debian bookworm's, authenticates OGC API – Features with
    /// Basic only). Null when the credentials are not Base64 of <c>user:password</c>.
    /// </summary>
    internal static string? BasicPassword(string encoded)
    {
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var n)) return null;
        var text = System.Text.Encoding.UTF8.GetString(bytes, 0, n);
        var colon = text.IndexOf(':');
        return colon < 0 ? null : text[(colon + 1)..];
    }

    /// <summary>
    /// The caller a key stands for, or why it stands for none (also used where a protocol carries the key in the body, as
    /// Open311 does): from <see cref="ApiKeyCache"/> when the key was accepted moments ago, else from the database (the
    /// context taken only then).
    /// </summary>
    public static async Task<(ClaimsPrincipal? Principal, string? Failure)> PrincipalAsync(IServiceProvider services, string key)
    {
        if (!ApiKeys.TryPrefix(key, out var prefix)) return (null, "the API key is malformed");
        var cache = services.GetRequiredService<ApiKeyCache>();
        if (cache.Find(key) is { } known) return (known, null);
        var db = services.GetRequiredService<SpatialGridDb>();
        var client = await db.ApiClients.AsNoTracking().FirstOrDefaultAsync(c => c.KeyPrefix == prefix && c.RevokedAt == null);
        if (client is null || !ApiKeys.Matches(key, client.KeyHash)) return (null, "the API key is unknown or revoked");
        var claims = new List<Claim> { new(ClaimTypes.Name, client.Name), new("client_id", client.Id.ToString()) };
        claims.AddRange(client.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(client.Scopes.Select(c => new Claim(CallerScope.ClaimType, c)));
        if (client.WorkerId is { } worker) claims.Add(new Claim(WorkerBinding.ClaimType, worker));
        var held = claims.ToArray();
        cache.Remember(key, held);
        return (ApiKeyCache.Principal(held), null);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Challenges(Request);
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        await Results.Problem(title: "Authentication required", statusCode: 401, type: ServiceDefaults.Problems.TypePrefix + "unauthenticated",
            detail: failure ?? "this endpoint needs an API key in the X-Api-Key header (sgrid keys create makes one)").ExecuteAsync(Context);
    }

    /// <summary>
    /// The schemes a 401 offers: the key (<c>ApiKey</c>: X-Api-Key, or Authorization ApiKey/Bearer) and HTTP Basic with the
    /// key as the password. A browser's script (a fetch or XHR: <c>Sec-Fetch-Mode</c> other than navigate, as the command
    /// centre's) is offered the key only, since a Basic challenge makes the browser put up its own password dialog over the
    /// page's sign-in form; GIS clients send no Sec-Fetch headers and are offered both.
    /// </summary>
    internal static StringValues Challenges(HttpRequest request)
    {
        var mode = request.Headers["Sec-Fetch-Mode"].ToString();
        return mode.Length > 0 && mode != "navigate" ? KeyChallenge
            : new StringValues([KeyChallenge, "Basic realm=\"SpatialGrid\", charset=\"UTF-8\""]);
    }

    /// <summary>The challenge of the key alone, where Basic is not read (Open311's form carries <c>api_key</c>).</summary>
    internal const string KeyChallenge = "ApiKey realm=\"SpatialGrid\"";

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Results.Problem(title: "Forbidden", statusCode: 403, type: ServiceDefaults.Problems.TypePrefix + "forbidden",
            detail: "the API key does not carry a role this endpoint needs").ExecuteAsync(Context);
    }
}

public static class SecuritySetup
{
    public const string ReadPolicy = "read";
    public const string GisEditorPolicy = "gis-editor";
    public const string AdminPolicy = "admin";
    public const string CaseWorkerPolicy = "case-worker";
    public const string CaseReaderPolicy = "case-reader";
    public const string PatrolManagerPolicy = "patrol-manager";

    public static IServiceCollection AddSpatialGridSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection("Security"))
            .Validate(o => o.KeyCacheSeconds is >= 0 and <= 3600, "Security:KeyCacheSeconds must be between 0 and 3600").ValidateOnStart();
        services.AddSingleton<ApiKeyCache>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.RequireAssertion(context =>
                context.User.Identity?.IsAuthenticated == true ||
                (context.Resource as HttpContext)?.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AnonymousReads == true))
            .AddPolicy(GisEditorPolicy, p => p.RequireRole(Roles.GisEditor, Roles.Admin))
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin))
            .AddPolicy(CaseWorkerPolicy, p => p.RequireRole(Roles.CaseWorkers))
            .AddPolicy(PatrolManagerPolicy, p => p.RequireRole(Roles.Dispatcher, Roles.Admin))
            // Cases carry residents' reports: reading them needs a key, whatever Security:AnonymousReads says.
            .AddPolicy(CaseReaderPolicy, p => p.RequireRole(Roles.Dispatcher, Roles.Patrol, Roles.Planner, Roles.Gateway, Roles.Admin));
        services.AddHostedService<AdminKeyBootstrap>();
        return services;
    }
}
