using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SpatialGrid.Api.Maps;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Maps;

/// <summary>
/// The map's labels (#21): glyph ranges generated from Debian's fonts, served as protobuf (glyphs.proto of node-fontnik),
/// a missing range a 404 problem; the default style names them and passes MapLibre's own style validation.
/// </summary>
public class GlyphTileTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string Stack = Uri.EscapeDataString(GlyphsApi.FontStack);

    private sealed record Glyph(uint Id, byte[] Bitmap, uint Width, uint Height, long Left, long Top, uint Advance);

    private static (string Name, string Range, List<Glyph> Glyphs) Decode(byte[] pbf)
    {
        var stack = Protobuf.Fields(Assert.Single(Protobuf.Fields(pbf), f => f.Number == 1).Bytes);
        var glyphs = stack.Where(f => f.Number == 3).Select(g =>
        {
            var fields = Protobuf.Fields(g.Bytes).ToDictionary(f => f.Number);
            uint U(int n) => fields.TryGetValue(n, out var f) ? (uint)f.Varint : 0;
            long S(int n) => fields.TryGetValue(n, out var f) ? Protobuf.ZigZag(f.Varint) : 0;
            return new Glyph(U(1), fields.TryGetValue(2, out var b) ? b.Bytes.ToArray() : [], U(3), U(4), S(5), S(6), U(7));
        }).ToList();
        return (Protobuf.Text(stack.Single(f => f.Number == 1)), Protobuf.Text(stack.Single(f => f.Number == 2)), glyphs);
    }

    [Theory]
    [InlineData(0, 'A')]
    [InlineData(256, 'ǎ')]
    [InlineData(8192, '…')]
    [InlineData(12288, '。')]
    [InlineData(65280, '（')]
    public async Task A_glyph_range_is_sdf_protobuf_with_a_three_pixel_buffer(int start, char sample)
    {
        var response = await api.Anonymous.GetAsync($"/fonts/{Stack}/{start}-{start + 255}.pbf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var (name, range, glyphs) = Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(GlyphsApi.FontStack, name);
        Assert.Equal($"{start}-{start + 255}", range);
        Assert.All(glyphs, g => Assert.InRange((int)g.Id, start, start + 255));
        Assert.All(glyphs, g => Assert.Equal(g.Width == 0 ? 0 : (g.Width + 6) * (g.Height + 6), (uint)g.Bitmap.Length));
        var glyph = glyphs.Single(g => g.Id == sample);
        Assert.True(glyph.Width is > 3 and < 30 && glyph.Height is > 1 and < 30, $"{sample}: {glyph.Width}×{glyph.Height}");
        Assert.InRange(glyph.Advance, 5u, 30u);
        // A signed distance field: the glyph's inside beyond the edge value (192), the buffer's corner far outside it.
        Assert.Contains(glyph.Bitmap, v => v > 192);
        Assert.True(glyph.Bitmap[0] < 100, $"{sample}: corner {glyph.Bitmap[0]}");
    }

    [Fact]
    public async Task A_space_has_an_advance_and_no_bitmap()
    {
        var (_, _, glyphs) = Decode(await api.Anonymous.GetByteArrayAsync($"/fonts/{Stack}/0-255.pbf"));
        var space = glyphs.Single(g => g.Id == ' ');
        Assert.Equal((0u, 0u, 0), (space.Width, space.Height, space.Bitmap.Length));
        Assert.True(space.Advance > 0);
    }

    [Theory]
    [InlineData("/fonts/{stack}/19968-20223.pbf")]
    [InlineData("/fonts/{stack}/1-256.pbf")]
    [InlineData("/fonts/{stack}/0-511.pbf")]
    [InlineData("/fonts/{stack}/65536-65791.pbf")]
    [InlineData("/fonts/Comic%20Sans%20MS/0-255.pbf")]
    [InlineData("/fonts/..%2F..%2Fappsettings/0-255.pbf")]
    [InlineData("/fonts/a%5C..%5Cb/0-255.pbf")]
    public async Task A_range_or_font_that_was_not_generated_is_a_404_problem_not_the_web_map(string url)
    {
        var response = await api.Anonymous.GetAsync(url.Replace("{stack}", Stack));
        await Problem.ExpectAsync(response, HttpStatusCode.NotFound, "glyphs-not-found");
    }

    [Fact]
    public async Task A_stack_of_several_fonts_gets_the_first_there_is()
    {
        var response = await api.Anonymous.GetAsync($"/fonts/{Uri.EscapeDataString("Noto Sans Regular," + GlyphsApi.FontStack)}/0-255.pbf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(GlyphsApi.FontStack, Decode(await response.Content.ReadAsByteArrayAsync()).Name);
    }

    [Fact]
    public async Task The_default_style_labels_roads_along_them_and_grids_from_the_services_glyphs_and_validates()
    {
        var text = await api.Anonymous.GetStringAsync("/styles/default.json");
        var style = JsonDocument.Parse(text).RootElement;
        var glyphs = style.GetProperty("glyphs").GetString()!;
        Assert.EndsWith("/fonts/{fontstack}/{range}.pbf", glyphs);
        var symbols = style.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("type").GetString() == "symbol").ToList();
        var roads = symbols.Single(l => l.GetProperty("id").GetString() == "roads-label");
        Assert.Equal("line", roads.GetProperty("layout").GetProperty("symbol-placement").GetString());
        Assert.Contains(symbols, l => l.GetProperty("source-layer").GetString() == "grids");
        // Every font a label names is served: its first range answers.
        foreach (var font in symbols.SelectMany(l => l.GetProperty("layout").GetProperty("text-font").EnumerateArray()).Select(f => f.GetString()!).Distinct())
        {
            var url = new Uri(glyphs.Replace("{fontstack}", Uri.EscapeDataString(font)).Replace("{range}", "0-255")).PathAndQuery;
            Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync(url)).StatusCode);
        }
        Assert.Equal("[]", ValidateWithMapLibre(text));
    }

    /// <summary>MapLibre's style validation (@maplibre/maplibre-gl-style-spec, installed with maplibre-gl by the API's build): the errors as JSON.</summary>
    private static string ValidateWithMapLibre(string style)
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "SpatialGrid.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        var spec = new[] { "src/SpatialGrid.Web", "src/SpatialGrid.Api", "tests/web" }
            .Select(p => Path.Combine(root, p, "node_modules/@maplibre/maplibre-gl-style-spec/dist/index.mjs")).FirstOrDefault(File.Exists);
        Assert.True(spec is not null, "@maplibre/maplibre-gl-style-spec is not installed (npm ci in src/SpatialGrid.Api)");
        var script = $"import {{ validateStyleMin }} from {JsonSerializer.Serialize(new Uri(spec).AbsoluteUri)}; let s = ''; process.stdin.on('data', d => s += d); " +
                     "process.stdin.on('end', () => console.log(JSON.stringify(validateStyleMin(JSON.parse(s)).map(e => e.message))));";
        using var node = Process.Start(new ProcessStartInfo("node", ["--input-type=module", "-e", script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        node.StandardInput.Write(style);
        node.StandardInput.Close();
        var output = node.StandardOutput.ReadToEnd();
        var error = node.StandardError.ReadToEnd();
        node.WaitForExit();
        Assert.True(node.ExitCode == 0, error);
        return output.Trim();
    }
}
