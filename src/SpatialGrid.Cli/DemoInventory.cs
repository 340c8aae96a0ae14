using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.LinearReferencing;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Cli;

/// <summary>
/// The demo city's component inventory:
/// real — every OSM road line (class 0201, with its name and tags), traffic signal (0202) and crossing (0203);
/// generated — facilities the open data does not have, placed along the ground-level roads (primary to
/// residential) by a fixed rule: a street lamp (0108) every 40 m, a manhole cover every 60 m cycling through
/// water-supply, sewage, storm-water, power, telecom and gas (0101–0106), a litter bin (0302) every 80 m and a
/// fire hydrant (0107) every 120 m, each at that distance along the line from its start.
/// Generated ones carry <c>generated: true</c>. No river, park or water body is in the road extract, so none
/// are invented.
/// </summary>
public static class DemoInventory
{
    private static readonly string[] Ground = ["primary", "secondary", "tertiary", "residential", "living_street", "unclassified"];
    private static readonly string[] Manholes = ["0101", "0102", "0103", "0104", "0105", "0106"];

    public static List<IFeature> Build(List<IFeature> osm)
    {
        var result = new List<IFeature>();
        var manhole = 0;
        foreach (var f in osm)
        {
            var highway = f.Attributes.Exists("highway") ? f.Attributes["highway"]?.ToString() : null;
            if (f.Geometry is Point p)
            {
                var cls = highway switch { "traffic_signals" => "0202", "crossing" => "0203", _ => null };
                if (cls is not null) result.Add(Feature(p, cls, cls == "0202" ? "交通信号灯" : "人行横道", generated: false, Tags(f)));
                continue;
            }
            if (f.Geometry is not LineString line) continue;
            var name = f.Attributes.Exists("name") ? f.Attributes["name"]?.ToString() : null;
            result.Add(Feature(line, "0201", name ?? "未命名道路", generated: false, Tags(f)));
            if (highway is null || !Ground.Contains(highway)) continue;
            var (mx, my) = Measure.MetresPerDegree(line.Centroid.Y);
            var scale = Math.Sqrt(mx * my);
            var length = line.Length * scale;
            var indexed = new LengthIndexedLine(line);
            void Along(double every, Func<string> cls, string label)
            {
                for (var d = every / 2; d < length; d += every)
                {
                    var c = indexed.ExtractPoint(d / scale);
                    result.Add(Feature(GeometryFactories.Wgs84.CreatePoint(new Coordinate(Math.Round(c.X, 7), Math.Round(c.Y, 7))), cls(),
                        name is null ? label : $"{name}{label}", generated: true, new Dictionary<string, object?>()));
                }
            }
            Along(40, () => "0108", "路灯");
            Along(60, () => Manholes[manhole++ % Manholes.Length], "井盖");
            Along(80, () => "0302", "垃圾箱");
            Along(120, () => "0107", "消防栓");
        }
        return result;
    }

    private static Dictionary<string, object?> Tags(IFeature f) =>
        f.Attributes.GetNames().Where(n => n != "name").ToDictionary(n => "osm_" + n, n => (object?)f.Attributes[n]);

    private static IFeature Feature(Geometry g, string cls, string name, bool generated, Dictionary<string, object?> tags)
    {
        var attributes = new AttributesTable { { "class", cls }, { "name", name }, { "generated", generated },
            { "source", generated ? "generated along OSM roads (see gis-data/README.md)" : "OpenStreetMap, © OpenStreetMap contributors, ODbL 1.0" } };
        foreach (var (k, v) in tags) attributes.Add(k, v);
        return new NetTopologySuite.Features.Feature(g, attributes);
    }
}
