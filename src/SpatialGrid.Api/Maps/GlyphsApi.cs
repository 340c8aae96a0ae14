using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Maps;

/// <summary>
/// The map's glyphs (<c>/fonts/{fontstack}/{start}-{end}.pbf</c>, the style's <c>glyphs</c> URL): SDF glyph ranges that
/// deploy/glyphs/make-glyphs.mjs generates from Debian's fonts into wwwroot/fonts, committed with the code. Served here
/// rather than by the static files so that every answer is <c>application/x-protobuf</c>, a range that was not generated
/// is a 404 problem (never the web map's page), and a stack of several fonts ("A,B", as MapLibre asks for a text-font
/// list) gets the first of them there is. Public like the style: fonts hold no city data.
/// </summary>
public static partial class GlyphsApi
{
    /// <summary>The one font stack generated: DejaVu Sans Book, with CJK punctuation and full-width forms from Noto Sans CJK SC.</summary>
    public const string FontStack = "DejaVu Sans Book";

    /// <summary>The style's glyphs URL after the service's base address.</summary>
    public const string UrlTemplate = "/fonts/{fontstack}/{range}.pbf";

    [GeneratedRegex(@"^(\d{1,5})-(\d{1,5})$")]
    private static partial Regex RangePattern();

    public static IEndpointRouteBuilder MapGlyphs(this IEndpointRouteBuilder app)
    {
        // Static assets like the web map's own files: kept out of the OpenAPI document.
        app.MapGet("/fonts/{fontstack}/{range}.pbf", Range).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Range(string fontstack, string range, IWebHostEnvironment env, HttpContext http)
    {
        var match = RangePattern().Match(range);
        if (!match.Success || int.Parse(match.Groups[1].Value) is var start && (start % 256 != 0 || start > 65280 || int.Parse(match.Groups[2].Value) != start + 255))
            return Problems.NotFound("glyphs-not-found", "a glyph range is {start}-{end}.pbf with start a multiple of 256 and end = start + 255, e.g. 0-255.pbf");
        foreach (var font in fontstack.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (font.Length > 100 || font.Contains("..", StringComparison.Ordinal) || font.Any(c => char.IsControl(c) || c is '/' or '\\' or ':')) continue;
            var file = env.WebRootFileProvider.GetFileInfo($"fonts/{font}/{range}.pbf");
            if (!file.Exists || file.IsDirectory) continue;
            // Generated once per release: a day in caches, revalidated by the file's time.
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.File(file.CreateReadStream(), "application/x-protobuf", lastModified: file.LastModified);
        }
        var name = fontstack.Length > 60 ? fontstack[..60] + "…" : fontstack;
        return Problems.NotFound("glyphs-not-found", $"no glyphs {range}.pbf of '{name}'; the font stack is '{FontStack}' and its ranges are the ones deploy/glyphs/make-glyphs.mjs generates");
    }
}
