using System.Text.Json.Nodes;

namespace SpatialGrid.Api.Ogc;

/// <summary>
/// A collection's schema in the style of OGC API – Features Part 5 (JSON Schema 2020-12): each property with its type,
/// the feature id's role, and the primary geometry's type as a <c>format</c> (<c>geometry-multipolygon</c>, …), so
/// that a client knows a layer's geometry type without guessing it from the first page.
/// </summary>
public static class OgcSchema
{
    internal static IResult Schema(string collectionId, HttpRequest request, IEnumerable<IOgcCollection> collections) =>
        OgcApi.Find(collections, collectionId) is { } c ? Write(c, request, "schema", c.Properties, null) : OgcApi.UnknownCollection(collectionId, collections);

    /// <summary>The queryables (OGC API – Features Part 3): the properties a CQL2 filter may name; no others are allowed.</summary>
    internal static IResult Queryables(string collectionId, HttpRequest request, IEnumerable<IOgcCollection> collections) =>
        OgcApi.Find(collections, collectionId) is { } c
            ? Write(c, request, "queryables", c.Properties.Where(p => p.Sql is not null).ToList(), false)
            : OgcApi.UnknownCollection(collectionId, collections);

    private static IResult Write(IOgcCollection c, HttpRequest request, string name, IEnumerable<OgcProperty> described, bool? additional)
    {
        var properties = new JsonObject();
        foreach (var p in described) properties[p.Name] = Describe(p);
        properties["geometry"] = new JsonObject { ["format"] = c.GeometryFormat, ["x-ogc-role"] = "primary-geometry" };
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"{OgcApi.Base(request)}/collections/{c.Id}/{name}",
            ["title"] = c.Title,
            ["description"] = c.Description,
            ["type"] = "object",
            ["properties"] = properties,
        };
        if (additional is { } a) schema["additionalProperties"] = a;
        return TypedResults.Text(schema.ToJsonString(), "application/schema+json");
    }

    internal static JsonObject Describe(OgcProperty p)
    {
        var o = new JsonObject { ["title"] = p.Title, ["type"] = p.Type };
        if (p.Format is not null) o["format"] = p.Format;
        if (p.Enum is not null) o["enum"] = new JsonArray(p.Enum.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        if (p.Role is not null) o["x-ogc-role"] = p.Role;
        return o;
    }
}
