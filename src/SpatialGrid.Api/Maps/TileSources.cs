namespace SpatialGrid.Api.Maps;

/// <summary>One source layer inside a tile, as TileJSON describes it.</summary>
public sealed record VectorLayer(string Id, string Description, int MinZoom, int MaxZoom, IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// A tile layer: its SQL file (one query per tile, ST_TileEnvelope → ST_AsMVTGeom → ST_AsMVT), zoom range and
/// source layers. A new map layer is one more entry here and one more .sql file, not a new mechanism.
/// Layers cut by a query string (a period, a class) name its parameters: each request's values are checked together,
/// bound as SQL parameters and made part of the cache key, the ETag and the TileJSON's tiles URL.
/// A source of <paramref name="Parts"/> has no SQL of its own: its tile is the tiles of those sources at the same address
/// one after the other (an MVT tile is its layers in sequence), each built and cached as its own source's.
/// </summary>
public sealed record TileSource(string Name, string Description, string SqlFile, int MinZoom, int MaxZoom, IReadOnlyList<VectorLayer> Layers, bool CaseData = false,
    TileParameters? Parameters = null, IReadOnlyList<string>? Parts = null);

public static class TileSources
{
    private static readonly Dictionary<string, string> GridFields = new() { ["code"] = "String", ["name"] = "String", ["kind"] = "String" };

    /// <summary>The sources with SQL of their own.</summary>
    private static readonly IReadOnlyList<TileSource> Queried =
    [
        new("grids", "Management grids by level", "Maps/Sql/grids.sql", 0, 18,
        [
            new("districts", "Districts (区)", 0, 18, GridFields),
            new("subdistricts", "Sub-districts (街道)", 11, 18, GridFields),
            new("communities", "Communities (居委会)", 13, 18, GridFields),
            new("grids", "Responsibility grids, comprehensive and dedicated", 14, 18, GridFields),
        ]),
        new("components", "Components (部件) other than roads", "Maps/Sql/components.sql", 13, 19,
        [
            new("components", "Points from zoom 15, lines and polygons from 13", 13, 19,
                new Dictionary<string, string> { ["code"] = "String", ["class"] = "String", ["name"] = "String", ["status"] = "String" }),
        ]),
        new("roads", "The road network (the base map)", "Maps/Sql/roads.sql", 10, 19,
        [
            new("roads", "Roads with their names", 10, 19, new Dictionary<string, string> { ["code"] = "String", ["name"] = "String", ["highway"] = "String" }),
        ]),
        new("cases", "Open cases coloured by their deadlines", "Maps/Sql/cases.sql", 10, 19,
        [
            new("cases", "Open cases; below zoom 15 the cases of a 32-px square are one point with their count and worst colour (number, class and state only when it holds one)", 10, 19,
                new Dictionary<string, string> { ["number"] = "String", ["class"] = "String", ["state"] = "String", ["colour"] = "String", ["count"] = "Number" }),
        ], CaseData: true),
        new("patrols", "Patrols: live positions, recent tracks, coverage and unvisited grids", "Maps/Sql/patrols.sql", 12, 19,
        [
            new("live", "Each active worker's last clean fix of the past hour", 12, 19,
                new Dictionary<string, string> { ["worker"] = "String", ["name"] = "String", ["team"] = "String", ["grid"] = "String", ["age_s"] = "Number" }),
            new("tracks", "Clean tracks of the past two hours; times: seconds after started, one per vertex", 12, 19,
                new Dictionary<string, string> { ["worker"] = "String", ["started"] = "String", ["ended"] = "String", ["times"] = "String" }),
            new("coverage", "Responsibility grids walked in the past 24 hours: minutes and distinct workers", 12, 19,
                new Dictionary<string, string> { ["code"] = "String", ["name"] = "String", ["minutes"] = "Number", ["workers"] = "Number" }),
            new("unvisited", "Responsibility grids nobody walked in the past 24 hours", 12, 19,
                new Dictionary<string, string> { ["code"] = "String", ["name"] = "String" }),
        ], CaseData: true),
        new("risk", "Hotspot risk: expected cases per responsibility grid from the newest scoring", "Maps/Sql/risk.sql", 10, 18,
        [
            new("risk", "Expected cases (and per km², the colour) and rank of each grid on the scored day", 10, 18,
                new Dictionary<string, string> { ["code"] = "String", ["name"] = "String", ["expected"] = "Number", ["per_km2"] = "Number", ["rank"] = "Number", ["day"] = "String" }),
        ], CaseData: true),
        // The planner's heat map: cases counted by PostGIS into square bins of 1/16 of a tile (32 px of a 512-px tile),
        // so the browser gets at most 256 bins a tile however many cases there are.
        new("heat", "Cases reported in a period (?from=&to=&class=&state=) counted in square bins of 32 px", "Maps/Sql/heat.sql", 6, 18,
        [
            new("bins", "Square bins (16 × 16 a tile) holding at least one case: count", 6, 18, new Dictionary<string, string> { ["count"] = "Number" }),
            new("points", "The same bins as points at their centres (for a heatmap layer weighted by count)", 6, 18,
                new Dictionary<string, string> { ["count"] = "Number" }),
        ], CaseData: true, Parameters: CasePeriodQuery.Parameters),
        new("density", "Cases reported in a period (?from=&to=&class=&state=) per responsibility grid (the choropleth)", "Maps/Sql/density.sql", 10, 18,
        [
            new("density", "Each responsibility grid's cases in the period and cases per km² (what the colour follows)", 10, 18,
                new Dictionary<string, string> { ["code"] = "String", ["name"] = "String", ["count"] = "Number", ["per_km2"] = "Number" }),
        ], CaseData: true, Parameters: CasePeriodQuery.Parameters),
    ];

    /// <summary>
    /// The base map of the web map's first view in one tile: roads, grids by level and components, the sources every
    /// first view draws. One request and one decode a tile instead of three (a browser opens six connections to the
    /// service and queues the rest; #21). Their own sources stay for clients that want one layer.
    /// </summary>
    public static readonly TileSource Base = Composite("base", "The base map in one tile: the layers of roads, grids and components (one request a tile instead of three)",
        "roads", "grids", "components");

    /// <summary>Every source a client may ask for: the ones with SQL and the composites.</summary>
    public static readonly IReadOnlyList<TileSource> All = [.. Queried, Base];

    public static TileSource? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    /// <summary>
    /// A source made of other sources' tiles (none of case data: a composite is the same for every caller). It starts at
    /// the first zoom of any part (a part joins from its own first zoom) and ends at the last zoom of all: beyond, a client
    /// overzooms the composite's last tiles, so no part goes missing there.
    /// </summary>
    private static TileSource Composite(string name, string description, params string[] parts)
    {
        var of = parts.Select(p => Queried.Single(s => s.Name == p && !s.CaseData && s.Parameters is null)).ToList();
        return new(name, description, "", of.Min(s => s.MinZoom), of.Min(s => s.MaxZoom), of.SelectMany(s => s.Layers).ToList(), Parts: parts);
    }
}
