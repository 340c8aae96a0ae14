using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Ogc;

/// <summary>A request the OGC API refuses; <see cref="Kind"/> is the problem type.</summary>
public sealed class OgcException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;
}

/// <summary>
/// OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS by reference) at <c>/ogc</c>, over
/// every <see cref="IOgcCollection"/> registered (grids, components).
/// </summary>
public static class OgcApi
{
    private static readonly string[] Conformance =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    ];

    private static readonly string[] CommonParameters = ["bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "f"];

    public static IServiceCollection AddOgc(this IServiceCollection services)
    {
        services.AddSingleton<IOgcCollection, Grids.GridsOgcCollection>();
        services.AddSingleton<IOgcCollection, Components.ComponentsOgcCollection>();
        return services;
    }

    public static IEndpointRouteBuilder MapOgc(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("/ogc").WithTags("OGC API Features").RequireAuthorization(SecuritySetup.ReadPolicy);
        ogc.MapGet("/", Landing).WithSummary("OGC API landing page");
        ogc.MapGet("/conformance", () => TypedResults.Json(new { conformsTo = Conformance })).WithSummary("Conformance classes");
        ogc.MapGet("/collections", Collections).WithSummary("The feature collections");
        ogc.MapGet("/collections/{collectionId}", Collection).WithSummary("One feature collection");
        ogc.MapGet("/collections/{collectionId}/items", Items)
            .WithSummary("Features of a collection: bbox, bbox-crs, crs, datetime, limit, offset and the collection's property filters")
            .AddOpenApiOperationTransformer(DescribeItemParameters);
        ogc.MapGet("/collections/{collectionId}/items/{featureId}", Item).WithSummary("One feature")
            .DocumentsQuery("crs", JsonSchemaType.String, CrsDescription);
        return app;
    }

    /// <summary>
    /// The items endpoint reads its query itself (it refuses parameters it does not know), so the document would list
    /// none: describe them here, the collections' property filters included, as OGC API – Features asks of the API
    /// definition its landing page links to.
    /// </summary>
    private static readonly string CrsDescription = $"the CRS of the answer's coordinates: {string.Join(", ", OgcCrs.Supported)}";

    private static Task DescribeItemParameters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(OpenApiForms.Query("bbox", JsonSchemaType.String, "minx,miny,maxx,maxy in bbox-crs (default CRS84: lon,lat)"));
        operation.Parameters.Add(OpenApiForms.Query("bbox-crs", JsonSchemaType.String, $"the CRS of bbox: {string.Join(", ", OgcCrs.Supported)}"));
        operation.Parameters.Add(OpenApiForms.Query("crs", JsonSchemaType.String, CrsDescription));
        operation.Parameters.Add(OpenApiForms.Query("datetime", JsonSchemaType.String, "an RFC 3339 instant or interval (a/b, .. for an open end): the features valid then"));
        operation.Parameters.Add(OpenApiForms.Query("limit", JsonSchemaType.Integer, "features per page, 1 to 10000 (default 100)"));
        operation.Parameters.Add(OpenApiForms.Query("offset", JsonSchemaType.Integer, "features to skip (default 0); the answer's next link carries it"));
        operation.Parameters.Add(OpenApiForms.Query("f", JsonSchemaType.String, "format: json (GeoJSON)"));
        var collections = context.ApplicationServices.GetServices<IOgcCollection>().ToList();
        foreach (var filter in collections.SelectMany(c => c.Filters).Distinct())
        {
            var which = collections.Where(c => c.Filters.Contains(filter)).Select(c => c.Id);
            operation.Parameters.Add(OpenApiForms.Query(filter, JsonSchemaType.String, $"property filter of the collection(s) {string.Join(", ", which)}; other collections refuse it"));
        }
        return Task.CompletedTask;
    }

    private static string Base(HttpRequest r) => $"{r.Scheme}://{r.Host}{r.PathBase}/ogc";

    private static object Link(string href, string rel, string type, string? title = null) => new { href, rel, type, title };

    private static IResult Landing(HttpRequest request)
    {
        var b = Base(request);
        return TypedResults.Json(new
        {
            title = "SpatialGrid",
            description = "Grid-based city management: responsibility grids and components as OGC API Features",
            links = new[]
            {
                Link(b, "self", "application/json", "this document"),
                Link($"{request.Scheme}://{request.Host}{request.PathBase}/openapi/v1.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
                Link($"{b}/conformance", "conformance", "application/json", "conformance classes"),
                Link($"{b}/collections", "data", "application/json", "the feature collections"),
            },
        });
    }

    private static async Task<IResult> Collections(HttpRequest request, IEnumerable<IOgcCollection> collections, SpatialGridDb db, CancellationToken ct)
    {
        var described = new List<object>();
        foreach (var c in collections) described.Add(await Describe(c, request, db, ct));
        return TypedResults.Json(new { links = new[] { Link($"{Base(request)}/collections", "self", "application/json") }, collections = described, crs = OgcCrs.Supported });
    }

    private static async Task<IResult> Collection(string collectionId, HttpRequest request, IEnumerable<IOgcCollection> collections, SpatialGridDb db, CancellationToken ct) =>
        Find(collections, collectionId) is { } c ? TypedResults.Json(await Describe(c, request, db, ct)) : UnknownCollection(collectionId, collections);

    private static IOgcCollection? Find(IEnumerable<IOgcCollection> collections, string id) => collections.FirstOrDefault(c => c.Id == id);

    private static ProblemHttpResult UnknownCollection(string id, IEnumerable<IOgcCollection> collections) =>
        Problems.NotFound("collection-not-found", $"no collection '{(id.Length > 40 ? id[..40] : id)}'; the collections are: {string.Join(", ", collections.Select(c => c.Id))}");

    private static async Task<object> Describe(IOgcCollection c, HttpRequest request, SpatialGridDb db, CancellationToken ct)
    {
        var env = await c.ExtentAsync(db, ct);
        var b = $"{Base(request)}/collections/{c.Id}";
        return new
        {
            id = c.Id,
            title = c.Title,
            description = c.Description,
            itemType = "feature",
            crs = OgcCrs.Supported,
            storageCrs = OgcCrs.Crs84,
            extent = new
            {
                spatial = new { bbox = env.IsNull ? Array.Empty<double[]>() : [[env.MinX, env.MinY, env.MaxX, env.MaxY]], crs = OgcCrs.Crs84 },
                temporal = new { interval = new[] { new string?[] { null, null } } },
            },
            links = new[] { Link(b, "self", "application/json"), Link($"{b}/items", "items", "application/geo+json", c.Title) },
        };
    }

    private static async Task<IResult> Items(string collectionId, HttpRequest request, IEnumerable<IOgcCollection> collections, SpatialGridDb db, TimeProvider clock, CancellationToken ct)
    {
        if (Find(collections, collectionId) is not { } collection) return UnknownCollection(collectionId, collections);
        OgcQuery query;
        try
        {
            query = Parse(request.Query, collection);
        }
        catch (OgcException e)
        {
            return Problems.BadRequest(e.Kind, e.Message);
        }
        int matched;
        IReadOnlyList<Action<Utf8JsonWriter>> features;
        try
        {
            (matched, features) = await collection.ItemsAsync(db, query, ct);
        }
        catch (OgcException e)
        {
            return Problems.BadRequest(e.Kind, e.Message);
        }
        var q = request.Query;
        var self = $"{Base(request)}/collections/{collection.Id}/items";
        string Page(int o) => $"{self}?{string.Join('&', q.Where(kv => kv.Key != "offset").Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value.ToString())}").Append($"offset={o}"))}";
        var links = new List<object> { Link(Page(query.Offset), "self", "application/geo+json") };
        if (query.Offset + features.Count < matched) links.Add(Link(Page(query.Offset + query.Limit), "next", "application/geo+json", "next page"));
        if (query.Offset > 0) links.Add(Link(Page(Math.Max(0, query.Offset - query.Limit)), "prev", "application/geo+json", "previous page"));

        var stream = new MemoryStream();
        await using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteString("timeStamp", clock.GetUtcNow().ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteNumber("numberMatched", matched);
            w.WriteNumber("numberReturned", features.Count);
            w.WritePropertyName("links");
            JsonSerializer.Serialize(w, links);
            w.WriteStartArray("features");
            foreach (var write in features) write(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        request.HttpContext.Response.Headers["Content-Crs"] = $"<{query.Crs}>";
        stream.Position = 0;
        return TypedResults.Stream(stream, "application/geo+json");
    }

    private static async Task<IResult> Item(string collectionId, string featureId, HttpRequest request, IEnumerable<IOgcCollection> collections, SpatialGridDb db, CancellationToken ct)
    {
        if (Find(collections, collectionId) is not { } collection) return UnknownCollection(collectionId, collections);
        var crs = request.Query["crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(crs)) return Problems.BadRequest("unsupported-crs", $"crs '{crs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var write = await collection.ItemAsync(db, featureId, crs, ct);
        if (write is null) return Problems.NotFound("feature-not-found", $"no feature '{(featureId.Length > 40 ? featureId[..40] : featureId)}' in collection {collection.Id}");
        var self = $"{Base(request)}/collections/{collection.Id}/items/{Uri.EscapeDataString(featureId)}";
        var stream = new MemoryStream();
        await using (var w = new Utf8JsonWriter(stream))
        {
            write(w, writer =>
            {
                writer.WritePropertyName("links");
                JsonSerializer.Serialize(writer, new[] { Link(self, "self", "application/geo+json"), Link($"{Base(request)}/collections/{collection.Id}", "collection", "application/json") });
            });
        }
        request.HttpContext.Response.Headers["Content-Crs"] = $"<{crs}>";
        stream.Position = 0;
        return TypedResults.Stream(stream, "application/geo+json");
    }

    private static OgcQuery Parse(IQueryCollection q, IOgcCollection collection)
    {
        var unknown = q.Keys.Where(k => !CommonParameters.Contains(k) && !collection.Filters.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new OgcException("unknown-parameter", $"unknown query parameter(s): {string.Join(", ", unknown)}; known: {string.Join(", ", CommonParameters.Concat(collection.Filters))}");
        var crs = q["crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(crs)) throw new OgcException("unsupported-crs", $"crs '{crs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var bboxCrs = q["bbox-crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(bboxCrs)) throw new OgcException("unsupported-crs", $"bbox-crs '{bboxCrs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var limit = 100;
        if (q["limit"].FirstOrDefault() is { } ls && (!int.TryParse(ls, out limit) || limit is < 1 or > 10_000))
            throw new OgcException("bad-limit", "limit must be an integer from 1 to 10000");
        var offset = 0;
        if (q["offset"].FirstOrDefault() is { } os && (!int.TryParse(os, out offset) || offset < 0))
            throw new OgcException("bad-offset", "offset must be a non-negative integer");
        NetTopologySuite.Geometries.Geometry? bbox = null;
        if (q["bbox"].FirstOrDefault() is { } text)
        {
            var parts = text.Split(',');
            var v = new double[parts.Length];
            if (parts.Length != 4 || parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) && double.IsFinite(v[i])).Any(ok => !ok))
                throw new OgcException("bad-bbox", "bbox must be four numbers: minx,miny,maxx,maxy in bbox-crs (default CRS84: lon,lat)");
            bbox = OgcCrs.BoxToWgs84(v[0], v[1], v[2], v[3], bboxCrs)
                ?? throw new OgcException("bad-bbox", $"bbox {text} in {bboxCrs} is empty or lies partly outside the CRS's area of use");
        }
        DateTimeOffset? from = null, to = null;
        var hasDatetime = q["datetime"].FirstOrDefault() is { } dt;
        if (hasDatetime && !TryInterval(q["datetime"]!, out from, out to))
            throw new OgcException("bad-datetime", $"datetime '{q["datetime"]}' is not an RFC 3339 instant or interval (a/b, with .. for open ends)");
        var filters = collection.Filters.Where(f => q.ContainsKey(f)).ToDictionary(f => f, f => q[f].ToString());
        return new OgcQuery(bbox, hasDatetime, from, to, limit, offset, crs, filters);
    }

    private static bool TryInterval(string text, out DateTimeOffset? from, out DateTimeOffset? to)
    {
        from = to = null;
        var parts = text.Split('/');
        if (parts.Length == 1)
        {
            if (!DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return false;
            from = to = at.ToUniversalTime();
            return true;
        }
        if (parts.Length != 2) return false;
        if (parts[0] is not ("" or "..")) { if (!DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var a)) return false; from = a.ToUniversalTime(); }
        if (parts[1] is not ("" or "..")) { if (!DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b)) return false; to = b.ToUniversalTime(); }
        return true;
    }
}
