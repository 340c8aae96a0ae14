using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.Maps;

/// <summary>
/// <c>/styles/default.json</c>: a MapLibre style over the tile layers: roads as the base map (the machine is
/// offline, nothing comes from the internet), grids by level, components by class, open cases by colour. It
/// draws no text, so it needs no glyphs; labels are the web map's business (local CJK fonts).
/// </summary>
public static class StyleApi
{
    public static IEndpointRouteBuilder MapStyles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/styles/default.json", Default).WithTags("Maps").RequireAuthorization(SecuritySetup.ReadPolicy)
            .WithSummary("The default MapLibre style: roads, grids by level, components, open cases coloured green/yellow/red");
        return app;
    }

    private static IResult Default(HttpRequest request)
    {
        var b = $"{request.Scheme}://{request.Host}{request.PathBase}";
        object Source(string layer) => new { type = "vector", url = $"{b}/tiles/{layer}.json" };
        var layers = new List<Dictionary<string, object>>
        {
            new() { ["id"] = "background", ["type"] = "background", ["paint"] = new Dictionary<string, object> { ["background-color"] = "#f4f1ea" } },
            Layer("roads", "line", "roads", "roads", new() { ["line-color"] = "#b9b2a6", ["line-width"] = new object[] { "interpolate", new[] { "linear" }, new[] { "zoom" }, 12, 0.5, 17, 4 } }),
            Layer("grids-fill", "fill", "grids", "grids", new() { ["fill-color"] = new object[] { "match", new[] { "get", "kind" }, "dedicated", "#e9a23b", "#5b8def" }, ["fill-opacity"] = 0.08 }),
            Layer("grids-line", "line", "grids", "grids", new() { ["line-color"] = "#5b8def", ["line-width"] = 1 }),
            Layer("communities-line", "line", "grids", "communities", new() { ["line-color"] = "#2f5fb3", ["line-width"] = 2 }),
            Layer("subdistricts-line", "line", "grids", "subdistricts", new() { ["line-color"] = "#1d3f7a", ["line-width"] = 3 }),
            Layer("districts-line", "line", "grids", "districts", new() { ["line-color"] = "#0b1f44", ["line-width"] = 3, ["line-dasharray"] = new[] { 3, 2 } }),
            Layer("components", "circle", "components", "components", new() { ["circle-radius"] = 3, ["circle-color"] = "#6d6d6d", ["circle-stroke-color"] = "#ffffff", ["circle-stroke-width"] = 1 }),
            Layer("cases", "circle", "cases", "cases", new()
            {
                ["circle-radius"] = 7,
                ["circle-color"] = new object[] { "match", new[] { "get", "colour" }, "red", "#d7263d", "yellow", "#f2c14e", "#2e933c" },
                ["circle-stroke-color"] = "#ffffff",
                ["circle-stroke-width"] = 2,
            }),
        };
        return Results.Json(new Dictionary<string, object>
        {
            ["version"] = 8,
            ["name"] = "SpatialGrid default",
            ["center"] = new[] { 121.4737, 31.2304 },
            ["zoom"] = 14,
            ["sources"] = new Dictionary<string, object> { ["roads"] = Source("roads"), ["grids"] = Source("grids"), ["components"] = Source("components"), ["cases"] = Source("cases") },
            ["layers"] = layers,
        });
    }

    private static Dictionary<string, object> Layer(string id, string type, string source, string sourceLayer, Dictionary<string, object> paint) => new()
    {
        ["id"] = id, ["type"] = type, ["source"] = source, ["source-layer"] = sourceLayer, ["paint"] = paint,
    };
}
