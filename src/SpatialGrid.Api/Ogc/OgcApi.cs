using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Ogc;

/// <summary>A value a collection's own property filter does not know; <see cref="Kind"/> is the problem type.</summary>
public sealed class OgcException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;
}

/// <summary>Why the OGC API refuses a request: the problem type, its detail, and members beyond it (a filter's position and token).</summary>
public sealed record OgcRefusal(string Kind, string Detail, IDictionary<string, object?>? Members = null);

/// <summary>A link of an OGC API document; a link without a title has no <c>title</c> member (never <c>null</c>).</summary>
public sealed record OgcLink(
    [property: JsonPropertyName("href")] string Href,
    [property: JsonPropertyName("rel")] string Rel,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null);

/// <summary>
/// OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS by reference) at <c>/ogc</c>, over
/// every <see cref="IOgcCollection"/> registered (grids, components, cases, patrol tracks, risk scores): read-only, so
/// every resource answers GET and HEAD, to any origin (CORS), in JSON only. The API key travels as on the rest of the
/// API (<c>X-Api-Key</c>, or <c>Authorization: ApiKey …</c>); a collection with its own <see cref="IOgcCollection.Policy"/>
/// is listed only to the callers who may read it and answers only what their <see cref="CallerScope"/> sees.
/// </summary>
public static class OgcApi
{
    /// <summary>The CORS policy of the OGC API: any origin may read (GET, HEAD); nothing else is allowed cross-origin.</summary>
    public const string CorsPolicy = "ogc-read";

    private static readonly string[] Conformance =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    ];

    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>The values of <c>f</c> the OGC API answers; any other (html, xml, …) is refused with 406, never answered as JSON.</summary>
    private static readonly string[] Formats = ["json", "geojson"];

    public static IServiceCollection AddOgc(this IServiceCollection services)
    {
        services.AddSingleton<IOgcCollection, Grids.GridsOgcCollection>();
        foreach (var c in Components.ComponentsOgcCollection.All()) services.AddSingleton<IOgcCollection>(c);
        services.AddSingleton<IOgcCollection, Cases.CasesOgcCollection>();
        services.AddSingleton<IOgcCollection, Patrols.PatrolTracksOgcCollection>();
        services.AddSingleton<IOgcCollection, Hotspots.RiskScoresOgcCollection>();
        services.AddCors(o => o.AddPolicy(CorsPolicy, p => p.AllowAnyOrigin().WithMethods(ReadMethods)
            .WithHeaders("Accept", "Accept-Language", "X-Api-Key", "Authorization").WithExposedHeaders("Content-Crs")));
        return services;
    }

    public static IEndpointRouteBuilder MapOgc(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("/ogc").WithTags("OGC API Features").RequireAuthorization(SecuritySetup.ReadPolicy).RequireCors(CorsPolicy)
            .AddEndpointFilter(RefuseOtherFormats).AddEndpointFilter(RefuseUnreadableCollections);
        ogc.MapMethods("/", ReadMethods, Landing).WithSummary("OGC API landing page").DocumentsFormat();
        ogc.MapMethods("/conformance", ReadMethods, () => TypedResults.Json(new { conformsTo = Conformance })).WithSummary("Conformance classes").DocumentsFormat();
        ogc.MapMethods("/collections", ReadMethods, Collections).WithSummary("The feature collections").DocumentsFormat();
        ogc.MapMethods("/collections/{collectionId}", ReadMethods, Collection).WithSummary("One feature collection").DocumentsFormat();
        ogc.MapMethods("/collections/{collectionId}/schema", ReadMethods, OgcSchema.Schema)
            .WithSummary("The JSON Schema of a collection's features: each property's type and the geometry type").DocumentsFormat();
        ogc.MapMethods("/collections/{collectionId}/queryables", ReadMethods, OgcSchema.Queryables)
            .WithSummary("The properties a filter (CQL2) may name, with their types").DocumentsFormat();
        ogc.MapMethods("/collections/{collectionId}/items", ReadMethods, OgcItems.Items)
            .WithSummary("Features of a collection: bbox, bbox-crs, crs, datetime, limit, offset and the collection's property filters")
            .AddOpenApiOperationTransformer(OgcItems.DescribeParameters);
        ogc.MapMethods("/collections/{collectionId}/items/{featureId}", ReadMethods, OgcItems.Item).WithSummary("One feature")
            .DocumentsQuery("crs", JsonSchemaType.String, OgcItems.CrsDescription).DocumentsFormat();
        return app;
    }

    private static RouteHandlerBuilder DocumentsFormat(this RouteHandlerBuilder builder) =>
        builder.DocumentsQuery("f", JsonSchemaType.String, FormatDescription);

    internal const string FormatDescription = "format: json (GeoJSON for features); html and others are refused with 406";

    private static async ValueTask<object?> RefuseOtherFormats(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var f = context.HttpContext.Request.Query["f"];
        if (f.Count > 0 && f.Any(v => !Formats.Contains(v?.Trim().ToLowerInvariant())))
        {
            var value = f.ToString();
            return Problems.Create(StatusCodes.Status406NotAcceptable, "not-acceptable", "The format is not served",
                $"f={(value.Length > 40 ? value[..40] + "…" : value)} is not served: the OGC API answers JSON only (f=json; features as GeoJSON)");
        }
        return await next(context);
    }

    /// <summary>Whether the caller meets the collection's own policy (cases and patrols need a key that reads cases).</summary>
    internal static async Task<bool> MayReadAsync(IOgcCollection c, HttpContext http) =>
        c.Policy is null || (await http.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(http.User, http, c.Policy)).Succeeded;

    // Every resource below /collections/{collectionId}: a caller without a key is asked for one (401), a key without
    // the role is refused (403), as on the REST endpoints of the same data.
    private static async ValueTask<object?> RefuseUnreadableCollections(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.RouteValues["collectionId"] is string id
            && Find(http.RequestServices.GetServices<IOgcCollection>(), id) is { } c && !await MayReadAsync(c, http))
            return http.User.Identity?.IsAuthenticated == true ? TypedResults.Forbid() : TypedResults.Challenge();
        return await next(context);
    }

    internal static string Base(HttpRequest r) => $"{r.Scheme}://{r.Host}{r.PathBase}/ogc";

    private static IResult Landing(HttpRequest request)
    {
        var b = Base(request);
        return TypedResults.Json(new
        {
            title = "SpatialGrid",
            description = "Grid-based city management: responsibility grids and components, and (with an API key that reads cases) cases, "
                + "patrol tracks and risk scores as OGC API Features. Send the key in the X-Api-Key header: GDAL with "
                + "GDAL_HTTP_HEADERS=\"X-Api-Key: sgk_…\"; QGIS with an authentication configuration of the kind Basic, any user name "
                + "and the key as the password (or, in QGIS versions that have it, API Header with X-Api-Key).",
            links = new[]
            {
                new OgcLink(b, "self", "application/json", "this document"),
                new OgcLink($"{request.Scheme}://{request.Host}{request.PathBase}/openapi/v1.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
                new OgcLink($"{b}/conformance", "conformance", "application/json", "conformance classes"),
                new OgcLink($"{b}/collections", "data", "application/json", "the feature collections"),
            },
        });
    }

    private static async Task<IResult> Collections(HttpRequest request, IEnumerable<IOgcCollection> collections, SpatialGridDb db, CancellationToken ct)
    {
        var described = new List<object>();
        foreach (var c in collections)
            if (await MayReadAsync(c, request.HttpContext)) described.Add(await Describe(c, request, db, ct));
        return TypedResults.Json(new { links = new[] { new OgcLink($"{Base(request)}/collections", "self", "application/json", "the feature collections") }, collections = described, crs = OgcCrs.Supported });
    }

    private static async Task<IResult> Collection(string collectionId, HttpRequest request, IEnumerable<IOgcCollection> collections, SpatialGridDb db, CancellationToken ct) =>
        Find(collections, collectionId) is { } c ? TypedResults.Json(await Describe(c, request, db, ct)) : UnknownCollection(collectionId, collections);

    internal static IOgcCollection? Find(IEnumerable<IOgcCollection> collections, string id) => collections.FirstOrDefault(c => c.Id == id);

    /// <summary>An unknown id: the answer names the collections anyone may read (those behind a role are not named to whoever asks).</summary>
    internal static ProblemHttpResult UnknownCollection(string id, IEnumerable<IOgcCollection> collections) =>
        Problems.NotFound("collection-not-found", $"no collection '{(id.Length > 40 ? id[..40] : id)}'; the collections open to every caller are: " +
            $"{string.Join(", ", collections.Where(c => c.Policy is null).Select(c => c.Id))} (GET /ogc/collections lists those your key may read)");

    private static async Task<object> Describe(IOgcCollection c, HttpRequest request, SpatialGridDb db, CancellationToken ct)
    {
        var extent = await c.ExtentAsync(db, CallerScope.Of(request.HttpContext.User), ct);
        var env = extent.Box;
        var b = $"{Base(request)}/collections/{c.Id}";
        var spatial = new { bbox = env.IsNull ? Array.Empty<double[]>() : [[env.MinX, env.MinY, env.MaxX, env.MaxY]], crs = OgcCrs.Crs84 };
        return new
        {
            id = c.Id,
            title = c.Title,
            description = c.Description,
            itemType = "feature",
            crs = OgcCrs.Supported,
            storageCrs = OgcCrs.Crs84,
            // A collection without time states no temporal extent (its items refuse datetime).
            extent = c.HasTime
                ? (object)new { spatial, temporal = new { interval = new[] { new[] { extent.Begin?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"), null } }, trs = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" } }
                : new { spatial },
            links = new[]
            {
                new OgcLink(b, "self", "application/json", c.Title),
                new OgcLink($"{b}/items", "items", "application/geo+json", c.Title),
                new OgcLink($"{b}/schema", "describedby", "application/schema+json", $"the schema of {c.Id}"),
                new OgcLink($"{b}/schema", "http://www.opengis.net/def/rel/ogc/1.0/schema", "application/schema+json", $"the schema of {c.Id}"),
                new OgcLink($"{b}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", $"what a filter on {c.Id} may name"),
            },
        };
    }
}
