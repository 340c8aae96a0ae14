using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Ogc;

/// <summary>
/// OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS by reference) at <c>/ogc</c>.
/// Collections: <c>grids</c> (the current grid version, or the grids valid at <c>datetime</c>).
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

    private static readonly HashSet<string> ItemParameters =
        ["bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "f", "level", "kind", "parent", "code", "name"];

    public static IEndpointRouteBuilder MapOgc(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("/ogc").WithTags("OGC API Features").RequireAuthorization(SecuritySetup.ReadPolicy);
        ogc.MapGet("/", Landing).WithSummary("OGC API landing page");
        ogc.MapGet("/conformance", () => TypedResults.Json(new { conformsTo = Conformance })).WithSummary("Conformance classes");
        ogc.MapGet("/collections", Collections).WithSummary("The feature collections");
        ogc.MapGet("/collections/{collectionId}", Collection).WithSummary("One feature collection");
        ogc.MapGet("/collections/{collectionId}/items", Items)
            .WithSummary("Features of a collection: bbox, bbox-crs, crs, datetime, limit, offset and property filters (level, kind, parent, code, name)");
        ogc.MapGet("/collections/{collectionId}/items/{featureId}", Item).WithSummary("One feature");
        return app;
    }

    private static string Base(HttpRequest r) => $"{r.Scheme}://{r.Host}{r.PathBase}/ogc";

    private static object Link(string href, string rel, string type, string? title = null) => new { href, rel, type, title };

    private static IResult Landing(HttpRequest request)
    {
        var b = Base(request);
        return TypedResults.Json(new
        {
            title = "SpatialGrid",
            description = "Grid-based city management: responsibility grids, components and cases as OGC API Features",
            links = new[]
            {
                Link(b, "self", "application/json", "this document"),
                Link($"{request.Scheme}://{request.Host}{request.PathBase}/openapi/v1.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
                Link($"{b}/conformance", "conformance", "application/json", "conformance classes"),
                Link($"{b}/collections", "data", "application/json", "the feature collections"),
            },
        });
    }

    private static async Task<IResult> Collections(HttpRequest request, SpatialGridDb db, CancellationToken ct) =>
        TypedResults.Json(new
        {
            links = new[] { Link($"{Base(request)}/collections", "self", "application/json") },
            collections = new[] { await GridsCollection(request, db, ct) },
            crs = OgcCrs.Supported,
        });

    private static async Task<IResult> Collection(string collectionId, HttpRequest request, SpatialGridDb db, CancellationToken ct) =>
        collectionId == "grids" ? TypedResults.Json(await GridsCollection(request, db, ct)) : UnknownCollection(collectionId);

    private static ProblemHttpResult UnknownCollection(string id) => Problems.NotFound("collection-not-found", $"no collection '{id}'; the collections are: grids");

    private static async Task<object> GridsCollection(HttpRequest request, SpatialGridDb db, CancellationToken ct)
    {
        var extent = await db.Grids.Where(g => g.ValidFrom != null && g.ValidTo == null && g.Level == GridLevel.District)
            .Select(g => g.Geometry).ToListAsync(ct);
        var env = new Envelope();
        foreach (var g in extent) env.ExpandToInclude(g.EnvelopeInternal);
        var b = $"{Base(request)}/collections/grids";
        return new
        {
            id = "grids",
            title = "Management grids",
            description = "Districts, sub-districts, communities and responsibility grids (comprehensive and dedicated) of the current version",
            itemType = "feature",
            crs = OgcCrs.Supported,
            storageCrs = OgcCrs.Crs84,
            extent = new
            {
                spatial = new { bbox = env.IsNull ? Array.Empty<double[]>() : [[env.MinX, env.MinY, env.MaxX, env.MaxY]], crs = OgcCrs.Crs84 },
                temporal = new { interval = new[] { new string?[] { null, null } } },
            },
            links = new[]
            {
                Link(b, "self", "application/json"),
                Link($"{b}/items", "items", "application/geo+json", "the grids"),
            },
        };
    }

    private static async Task<IResult> Items(string collectionId, HttpRequest request, SpatialGridDb db, TimeProvider clock, CancellationToken ct)
    {
        if (collectionId != "grids") return UnknownCollection(collectionId);
        var q = request.Query;
        var unknown = q.Keys.Where(k => !ItemParameters.Contains(k)).ToList();
        if (unknown.Count > 0) return Problems.BadRequest("unknown-parameter", $"unknown query parameter(s): {string.Join(", ", unknown)}; known: {string.Join(", ", ItemParameters)}");
        var crs = q["crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(crs)) return Problems.BadRequest("unsupported-crs", $"crs '{crs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var bboxCrs = q["bbox-crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(bboxCrs)) return Problems.BadRequest("unsupported-crs", $"bbox-crs '{bboxCrs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var limit = 100;
        if (q["limit"].FirstOrDefault() is { } ls && (!int.TryParse(ls, out limit) || limit is < 1 or > 10_000))
            return Problems.BadRequest("bad-limit", "limit must be an integer from 1 to 10000");
        var offset = 0;
        if (q["offset"].FirstOrDefault() is { } os && (!int.TryParse(os, out offset) || offset < 0))
            return Problems.BadRequest("bad-offset", "offset must be a non-negative integer");

        var query = db.Grids.AsNoTracking();
        if (q["datetime"].FirstOrDefault() is { } dt)
        {
            if (!TryInterval(dt, out var from, out var to)) return Problems.BadRequest("bad-datetime", $"datetime '{dt}' is not an RFC 3339 instant or interval (a/b, with .. for open ends)");
            query = query.Where(g => g.ValidFrom != null && (to == null || g.ValidFrom <= to) && (g.ValidTo == null || from == null || g.ValidTo > from));
        }
        else
        {
            query = query.Where(g => g.ValidFrom != null && g.ValidTo == null);
        }
        if (q["bbox"].FirstOrDefault() is { } bbox)
        {
            var parts = bbox.Split(',');
            var v = new double[parts.Length];
            if (parts.Length != 4 || parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) && double.IsFinite(v[i])).Any(ok => !ok))
                return Problems.BadRequest("bad-bbox", "bbox must be four numbers: minx,miny,maxx,maxy in bbox-crs (default CRS84: lon,lat)");
            var (x1, y1) = OgcCrs.ToWgs84(v[0], v[1], bboxCrs);
            var (x2, y2) = OgcCrs.ToWgs84(v[2], v[3], bboxCrs);
            var env = new Envelope(x1, x2, y1, y2);
            var box = GeometryFactories.Wgs84.ToGeometry(env);
            query = query.Where(g => g.Geometry.Intersects(box));
        }
        if (q["level"].FirstOrDefault() is { } level)
        {
            if (!GridLevels.TryParse(level, out var l)) return Problems.BadRequest("bad-level", $"level '{level}' is not one of district, subdistrict, community, grid");
            query = query.Where(g => g.Level == l);
        }
        if (q["kind"].FirstOrDefault() is { } kind)
        {
            if (!GridLevels.TryParseKind(kind, out var k)) return Problems.BadRequest("bad-kind", $"kind '{kind}' is not comprehensive or dedicated");
            query = query.Where(g => g.Kind == k);
        }
        if (q["parent"].FirstOrDefault() is { } parent) query = query.Where(g => g.ParentCode == parent);
        if (q["code"].FirstOrDefault() is { } code) query = query.Where(g => g.Code == code);
        if (q["name"].FirstOrDefault() is { } name) query = query.Where(g => g.Name == name);

        var matched = await query.CountAsync(ct);
        var grids = await query.OrderBy(g => g.Code).ThenBy(g => g.VersionId).Skip(offset).Take(limit).ToListAsync(ct);

        var self = $"{Base(request)}/collections/grids/items";
        string Page(int o) => $"{self}?{string.Join('&', q.Where(kv => kv.Key != "offset").Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value.ToString())}").Append($"offset={o}"))}";
        var links = new List<object> { Link(Page(offset), "self", "application/geo+json") };
        if (offset + grids.Count < matched) links.Add(Link(Page(offset + limit), "next", "application/geo+json", "next page"));
        if (offset > 0) links.Add(Link(Page(Math.Max(0, offset - limit)), "prev", "application/geo+json", "previous page"));

        var stream = new MemoryStream();
        await using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteString("timeStamp", clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteNumber("numberMatched", matched);
            w.WriteNumber("numberReturned", grids.Count);
            w.WritePropertyName("links");
            JsonSerializer.Serialize(w, links);
            w.WriteStartArray("features");
            foreach (var g in grids)
            {
                if (crs != OgcCrs.Crs84) g.Geometry = (MultiPolygon)OgcCrs.FromWgs84(g.Geometry, crs);
                GridGeoJson.WriteFeature(w, g);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        request.HttpContext.Response.Headers["Content-Crs"] = $"<{crs}>";
        stream.Position = 0;
        return TypedResults.Stream(stream, "application/geo+json");
    }

    private static async Task<IResult> Item(string collectionId, string featureId, HttpRequest request, SpatialGridDb db, CancellationToken ct)
    {
        if (collectionId != "grids") return UnknownCollection(collectionId);
        var crs = request.Query["crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(crs)) return Problems.BadRequest("unsupported-crs", $"crs '{crs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var g = await db.Grids.AsNoTracking().FirstOrDefaultAsync(x => x.Code == featureId && x.ValidFrom != null && x.ValidTo == null, ct);
        if (g is null) return Problems.NotFound("feature-not-found", $"no current grid '{featureId}' in collection grids");
        if (crs != OgcCrs.Crs84) g.Geometry = (MultiPolygon)OgcCrs.FromWgs84(g.Geometry, crs);
        var self = $"{Base(request)}/collections/grids/items/{g.Code}";
        var stream = new MemoryStream();
        await using (var w = new Utf8JsonWriter(stream))
        {
            GridGeoJson.WriteFeature(w, g, writer =>
            {
                writer.WritePropertyName("links");
                JsonSerializer.Serialize(writer, new[] { Link(self, "self", "application/geo+json"), Link($"{Base(request)}/collections/grids", "collection", "application/json") });
            });
        }
        request.HttpContext.Response.Headers["Content-Crs"] = $"<{crs}>";
        stream.Position = 0;
        return TypedResults.Stream(stream, "application/geo+json");
    }

    private static bool TryInterval(string text, out DateTimeOffset? from, out DateTimeOffset? to)
    {
        from = to = null;
        var parts = text.Split('/');
        if (parts.Length == 1)
        {
            if (!DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return false;
            from = to = at;
            return true;
        }
        if (parts.Length != 2) return false;
        if (parts[0] is not ("" or "..")) { if (!DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var a)) return false; from = a; }
        if (parts[1] is not ("" or "..")) { if (!DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b)) return false; to = b; }
        return true;
    }
}
