using System.Globalization;
using System.Text.Json.Nodes;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>
/// A tiny synthetic city for import tests: one district (a 0.02° square at the given corner), one sub-district
/// and one community covering it, and two grids splitting it west/east. Each test uses its own district code and
/// corner so tests in one class do not meet.
/// </summary>
public sealed class SmallCity(string district, double lon, double lat)
{
    public string District => district;
    public string SubDistrict => district + "002";
    public string Community => district + "002001";
    public string WestGrid => district + "002001001";
    public string EastGrid => district + "002001002";
    public double Lon => lon;
    public double Lat => lat;
    public (double Lon, double Lat) WestPoint => (lon + 0.005, lat + 0.01);
    public (double Lon, double Lat) EastPoint => (lon + 0.015, lat + 0.01);

    public List<JsonObject> Features()
    {
        JsonObject Whole() => Box(lon, lat, lon + 0.02, lat + 0.02);
        return
        [
            Feature(district, "Test district", Whole()),
            Feature(SubDistrict, "Test sub-district", Whole()),
            Feature(Community, "Test community", Whole()),
            Feature(WestGrid, "West grid", Box(lon, lat, lon + 0.01, lat + 0.02)),
            Feature(EastGrid, "East grid", Box(lon + 0.01, lat, lon + 0.02, lat + 0.02)),
        ];
    }

    public string GeoJson() => Collection(Features());

    public static string Collection(IEnumerable<JsonObject> features) =>
        new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features.Select(f => (JsonNode)f).ToArray()) }.ToJsonString();

    public static JsonObject Feature(string code, string name, JsonNode? geometry, string? kind = null) => new()
    {
        ["type"] = "Feature",
        ["properties"] = new JsonObject { ["code"] = code, ["name"] = name, ["kind"] = kind },
        ["geometry"] = geometry,
    };

    public static JsonObject Box(double x1, double y1, double x2, double y2) =>
        Polygon((x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1));

    public static JsonObject Polygon(params (double X, double Y)[] ring) => new()
    {
        ["type"] = "Polygon",
        ["coordinates"] = new JsonArray(new JsonArray(ring.Select(p => (JsonNode)new JsonArray(p.X, p.Y)).ToArray())),
    };

    public static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);
}
