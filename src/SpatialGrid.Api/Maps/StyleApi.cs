using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.Maps;

/// <summary>
/// <c>/styles/default.json</c>: a MapLibre style over the tile layers: roads as the base map (the machine is
/// offline, nothing comes from the internet), grids by level, components by class, open cases by colour; road names
/// along the roads and grid names as symbol layers, from the service's own glyphs (<see cref="GlyphsApi"/>; Chinese
/// ideographs are drawn by MapLibre from local fonts, localIdeographFontFamily). The patrol, risk, heat and density
/// layers start hidden: the web map's layer toggles show them.
/// </summary>
public static class StyleApi
{
    public static IEndpointRouteBuilder MapStyles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/styles/default.json", Default).WithTags("Maps").RequireAuthorization(SecuritySetup.ReadPolicy)
            .WithSummary("The default MapLibre style: roads with their names, grids by level with their names, components, open cases coloured green/yellow/red; patrols, hotspot risk, the case heat map and density (hidden at first); glyphs from /fonts");
        return app;
    }

    private static IResult Default(HttpRequest request)
    {
        var b = $"{request.Scheme}://{request.Host}{request.PathBase}";
        // Labels: dark text on a pale halo, road names along the road, each grid level's names from the zoom its lines start.
        Dictionary<string, object> Label(string id, string source, string sourceLayer, int minZoom, int maxZoom, double size, string colour, bool alongLine = false)
        {
            var layout = new Dictionary<string, object>
            {
                ["text-field"] = new[] { "get", "name" },
                ["text-font"] = new[] { GlyphsApi.FontStack },
                ["text-size"] = size,
            };
            if (alongLine) { layout["symbol-placement"] = "line"; layout["symbol-spacing"] = 300; layout["text-max-angle"] = 30; }
            else { layout["text-max-width"] = 8; layout["text-padding"] = 4; }
            return new Dictionary<string, object>
            {
                ["id"] = id, ["type"] = "symbol", ["source"] = source, ["source-layer"] = sourceLayer, ["minzoom"] = minZoom, ["maxzoom"] = maxZoom,
                ["filter"] = new object[] { "has", "name" }, ["layout"] = layout,
                ["paint"] = new Dictionary<string, object> { ["text-color"] = colour, ["text-halo-color"] = "#ffffff", ["text-halo-width"] = 1.5 },
            };
        }
        object Source(string layer) => new { type = "vector", url = $"{b}/tiles/{layer}.json" };
        var layers = new List<Dictionary<string, object>>
        {
            new() { ["id"] = "background", ["type"] = "background", ["paint"] = new Dictionary<string, object> { ["background-color"] = "#f4f1ea" } },
            Layer("roads", "line", "base", "roads", new() { ["line-color"] = "#b9b2a6", ["line-width"] = new object[] { "interpolate", new[] { "linear" }, new[] { "zoom" }, 12, 0.5, 17, 4 } }),
            Layer("grids-fill", "fill", "base", "grids", new() { ["fill-color"] = new object[] { "match", new[] { "get", "kind" }, "dedicated", "#e9a23b", "#5b8def" }, ["fill-opacity"] = 0.08 }),
            // Patrol coverage under the grid lines: the more minutes walked in 24 hours, the stronger the green; a grid
            // nobody walked gets a faint fill and a dashed outline in the warning colour.
            Hidden(Layer("patrols-coverage", "fill", "patrols", "coverage", new()
            {
                ["fill-color"] = new object[] { "interpolate", new[] { "linear" }, new[] { "get", "minutes" }, 1, "#d8f3dc", 30, "#74c69d", 120, "#1b7a43" },
                ["fill-opacity"] = 0.55,
            })),
            Hidden(Layer("patrols-unvisited", "fill", "patrols", "unvisited", new() { ["fill-color"] = "#e4572e", ["fill-opacity"] = 0.1 })),
            Hidden(Layer("patrols-unvisited-line", "line", "patrols", "unvisited",
                new() { ["line-color"] = "#e4572e", ["line-width"] = 2, ["line-dasharray"] = new[] { 2, 1.5 } })),
            // Hotspot risk: expected cases per km² of the newest scoring, from pale yellow to dark red; the grids a team's
            // plan sends more patrol to (and takes it from) are outlined by the web map through the layers' filters.
            Hidden(Layer("risk-fill", "fill", "risk", "risk", new()
            {
                ["fill-color"] = new object[] { "interpolate", new[] { "linear" }, new[] { "get", "per_km2" }, 0, "#fff5d6", 5, "#fdae61", 20, "#e34a33", 80, "#7f0000" },
                ["fill-opacity"] = 0.6,
            })),
            Hidden(Filtered(Layer("risk-more", "line", "risk", "risk", new() { ["line-color"] = "#1b7a43", ["line-width"] = 4 }))),
            Hidden(Filtered(Layer("risk-less", "line", "risk", "risk", new() { ["line-color"] = "#6c757d", ["line-width"] = 3, ["line-dasharray"] = new[] { 1, 1 } }))),
            Layer("grids-line", "line", "base", "grids", new() { ["line-color"] = "#5b8def", ["line-width"] = 1 }),
            Layer("communities-line", "line", "base", "communities", new() { ["line-color"] = "#2f5fb3", ["line-width"] = 2 }),
            Layer("subdistricts-line", "line", "base", "subdistricts", new() { ["line-color"] = "#1d3f7a", ["line-width"] = 3 }),
            Layer("districts-line", "line", "base", "districts", new() { ["line-color"] = "#0b1f44", ["line-width"] = 3, ["line-dasharray"] = new[] { 3, 2 } }),
            // Point components from zoom 16, as in the web map (thousands of them would cover the cases at a city view).
            MinZoom(Layer("components", "circle", "base", "components", new() { ["circle-radius"] = 3, ["circle-color"] = "#6d6d6d", ["circle-stroke-color"] = "#ffffff", ["circle-stroke-width"] = 1 }), 16),
            // The planner's heat map and choropleth (cases of the past 30 days; the web map sets the period on the sources).
            Hidden(Layer("density-fill", "fill", "density", "density", new()
            {
                ["fill-color"] = new object[] { "interpolate", new[] { "linear" }, new[] { "get", "per_km2" }, 0, "#fff5eb", 10, "#fdae6b", 50, "#e6550d", 200, "#7f2704" },
                ["fill-opacity"] = 0.6,
            })),
            Hidden(Layer("heat", "heatmap", "heat", "points", new()
            {
                ["heatmap-weight"] = new object[] { "interpolate", new[] { "linear" }, new[] { "get", "count" }, 0, 0, 50, 1 },
                ["heatmap-radius"] = 24,
                ["heatmap-opacity"] = 0.75,
            })),
            Label("roads-label", "base", "roads", 14, 24, 12, "#5c5346", alongLine: true),
            Label("districts-label", "base", "districts", 9, 12, 14, "#0b1f44"),
            Label("subdistricts-label", "base", "subdistricts", 12, 14, 13, "#1d3f7a"),
            Label("communities-label", "base", "communities", 14, 15, 12, "#2f5fb3"),
            Label("grids-label", "base", "grids", 15, 24, 11, "#2f5fb3"),
            Hidden(Layer("patrols-tracks", "line", "patrols", "tracks", new() { ["line-color"] = "#7b2cbf", ["line-width"] = 1.5, ["line-opacity"] = 0.7 })),
            Layer("cases", "circle", "cases", "cases", new()
            {
                ["circle-radius"] = 7,
                ["circle-color"] = new object[] { "match", new[] { "get", "colour" }, "red", "#d7263d", "yellow", "#f2c14e", "#2e933c" },
                ["circle-stroke-color"] = "#ffffff",
                ["circle-stroke-width"] = 2,
            }),
            // Live workers on top, coloured by the age of their last fix: fresh (under 2 minutes), lagging (under 10), stale.
            Hidden(Layer("patrols-live", "circle", "patrols", "live", new()
            {
                ["circle-radius"] = 6,
                ["circle-color"] = new object[] { "step", new[] { "get", "age_s" }, "#1f8a70", 120, "#f2a541", 600, "#8d99ae" },
                ["circle-stroke-color"] = "#ffffff",
                ["circle-stroke-width"] = 2,
            })),
        };
        return Results.Json(new Dictionary<string, object>
        {
            ["version"] = 8,
            ["name"] = "SpatialGrid default",
            ["center"] = new[] { 121.4737, 31.2304 },
            ["zoom"] = 14,
            ["glyphs"] = $"{b}{GlyphsApi.UrlTemplate}",
            // Roads, grids and components from one tile a place (TileSources.Base): a third of the requests and decodes.
            ["sources"] = new Dictionary<string, object> { ["base"] = Source(TileSources.Base.Name),
                ["cases"] = Source("cases"), ["patrols"] = Source("patrols"), ["risk"] = Source("risk"),
                ["heat"] = Source("heat"), ["density"] = Source("density") },
            ["layers"] = layers,
        });
    }

    private static Dictionary<string, object> Layer(string id, string type, string source, string sourceLayer, Dictionary<string, object> paint) => new()
    {
        ["id"] = id, ["type"] = type, ["source"] = source, ["source-layer"] = sourceLayer, ["paint"] = paint,
    };

    /// <summary>A layer that shows nothing until the web map sets its filter (a team's recommended grids).</summary>
    private static Dictionary<string, object> Filtered(Dictionary<string, object> layer)
    {
        layer["filter"] = new object[] { "in", new[] { "get", "code" }, new object[] { "literal", Array.Empty<string>() } };
        return layer;
    }

    private static Dictionary<string, object> MinZoom(Dictionary<string, object> layer, int zoom)
    {
        layer["minzoom"] = zoom;
        return layer;
    }

    private static Dictionary<string, object> Hidden(Dictionary<string, object> layer)
    {
        layer["layout"] = new Dictionary<string, object> { ["visibility"] = "none" };
        return layer;
    }
}
