using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Components;

/// <summary>Helpers for component tests: a published small city and GeoJSON components.</summary>
public static class ComponentFiles
{
    public static async Task PublishCity(ApiFixture api, SmallCity city)
    {
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(city.GeoJson(), ("publish", "true")));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static JsonObject Feature(string? cls, JsonNode? geometry, string? code = null, string? name = null, JsonNode? attributes = null, string? status = null)
    {
        var properties = new JsonObject();
        if (cls is not null) properties["class"] = cls;
        if (code is not null) properties["code"] = code;
        if (name is not null) properties["name"] = name;
        if (attributes is not null) properties["attributes"] = attributes;
        if (status is not null) properties["status"] = status;
        return new JsonObject { ["type"] = "Feature", ["properties"] = properties, ["geometry"] = geometry };
    }

    public static JsonObject Point(double x, double y) => new() { ["type"] = "Point", ["coordinates"] = new JsonArray(x, y) };

    public static JsonObject Line(params (double X, double Y)[] points) => new()
    {
        ["type"] = "LineString",
        ["coordinates"] = new JsonArray(points.Select(p => (JsonNode)new JsonArray(p.X, p.Y)).ToArray()),
    };

    public static async Task<HttpResponseMessage> Import(ApiFixture api, IEnumerable<JsonObject> features, params (string, string)[] fields) =>
        await api.Editor.PostAsync("/api/components/imports", Upload.GeoJson(SmallCity.Collection(features), fields));

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
