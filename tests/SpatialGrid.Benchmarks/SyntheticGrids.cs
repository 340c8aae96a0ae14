using System.Globalization;
using System.Text;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// Writes a synthetic but complete grid file of N responsibility grids (a lattice of 100 m × 100 m cells,
/// 100 per community, 10 communities per sub-district, under one district), for the end-to-end import run.
/// </summary>
public static class SyntheticGrids
{
    public static void Write(string path, int grids)
    {
        const double cell = 0.001; // ~100 m at 31°N
        var communities = (grids + 99) / 100;
        var subs = (communities + 9) / 10;
        var sb = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[\n");
        var first = true;
        void Feature(string code, string name, double x1, double y1, double x2, double y2)
        {
            if (!first) sb.Append(",\n");
            first = false;
            sb.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"Feature\",\"properties\":{{\"code\":\"{code}\",\"name\":\"{name}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x1},{y1}],[{x2},{y1}],[{x2},{y2}],[{x1},{y2}],[{x1},{y1}]]]}}}}");
        }
        // Communities are 10 × 10 cells; sub-districts are a row of 10 communities; the district stacks the rows.
        const double x0 = 121.0, y0 = 31.0, community = 10 * cell;
        Feature("310151", "synthetic district", x0, y0, x0 + 10 * community, y0 + subs * community);
        var written = 0;
        for (var s = 0; s < subs; s++)
        {
            var sy = y0 + s * community;
            var subCode = $"310151{s + 1:000}";
            Feature(subCode, $"sub-district {s + 1}", x0, sy, x0 + 10 * community, sy + community);
            for (var c = 0; c < 10; c++)
            {
                var cx = x0 + c * community;
                var communityCode = $"{subCode}{c + 1:000}";
                Feature(communityCode, $"community {s + 1}-{c + 1}", cx, sy, cx + community, sy + community);
                for (var g = 0; g < 100; g++)
                {
                    var gx = cx + g % 10 * cell;
                    var gy = sy + community - (g / 10 + 1) * cell; // west→east, north→south
                    Feature($"{communityCode}{g + 1:000}", $"grid {g + 1}", gx, gy, gx + cell, gy + cell);
                    written++;
                }
            }
        }
        sb.Append("\n]}\n");
        File.WriteAllText(path, sb.ToString());
        Console.WriteLine($"wrote {path}: {written} grids, {subs} sub-districts, {subs * 10} communities");
    }
}
