using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Maps;

/// <summary>Vector tiles built by PostGIS (<c>/tiles/{layer}/{z}/{x}/{y}.mvt</c>) and their TileJSON 3.0 (<c>/tiles/{layer}.json</c>).</summary>
public static class TilesApi
{
    private const int FeatureCap = 5_000;

    public static IServiceCollection AddTiles(this IServiceCollection services)
    {
        services.AddSingleton<TileCache>();
        services.AddHostedService(sp => sp.GetRequiredService<TileCache>());
        return services;
    }

    public static IEndpointRouteBuilder MapTiles(this IEndpointRouteBuilder app)
    {
        var tiles = app.MapGroup("/tiles").WithTags("Maps").RequireAuthorization(SecuritySetup.ReadPolicy);
        tiles.MapGet("/{layer}/{z:int}/{x:int}/{y}", Tile).WithSummary("A Mapbox vector tile of a layer (grids, components, roads, base: the three in one tile, cases, patrols, risk, heat, density); heat and density take ?from=&to=&class=&state=; 204 when empty; ETag and If-None-Match");
        tiles.MapGet("/{layer}.json", TileJson).WithSummary("TileJSON 3.0 of a layer: tiles URL, bounds, centre, zoom range, vector_layers with their fields");
        // GDAL's MVT driver reads a tileset one zoom level at a time (MVT:http://…/tiles/grids/14), from tippecanoe's metadata.json beside {z}/{x}/{y}.pbf.
        tiles.MapGet("/{layer}/metadata.json", Metadata).WithSummary("The layer's tileset metadata in tippecanoe's metadata.json form (for GDAL's MVT driver)");
        return app;
    }

    /// <summary>Null when the caller may read the layer; the cases layer needs a case-reading key.</summary>
    private static async Task<IResult?> Refusal(TileSource source, HttpContext http, IAuthorizationService auth)
    {
        if (!source.CaseData) return null;
        var result = await auth.AuthorizeAsync(http.User, SecuritySetup.CaseReaderPolicy);
        if (result.Succeeded) return null;
        if (http.User.Identity?.IsAuthenticated == true)
            return Problems.Create(403, "forbidden", "Forbidden", $"the {source.Name} layer needs a key with a case-reading role");
        http.Response.Headers.WWWAuthenticate = ApiKeyAuthenticationHandler.Challenges(http.Request);
        return Problems.Create(401, "unauthenticated", "Authentication required", $"the {source.Name} layer needs an API key in X-Api-Key");
    }

    /// <summary>The layer's query string checked (<see cref="TileQuery.None"/> for a layer that takes none), or the problem with it.</summary>
    private static (TileQuery? Query, IResult? Problem) QueryOf(TileSource source, HttpContext http, TimeProvider clock, Cases.CalendarProvider calendars)
    {
        if (source.Parameters is null) return (TileQuery.None, null);
        var (query, problem) = source.Parameters.Parse(http.Request.Query, clock.GetUtcNow(), calendars.Calendar.UtcOffset);
        return problem is null ? (query, null) : (null, Problems.BadRequest(problem.Kind, problem.Detail));
    }

    private static async Task<IResult> Tile(string layer, int z, int x, string y, HttpContext http,
        [FromKeyedServices(DatabaseSetup.Prepared)] NpgsqlDataSource dataSource, TileCache cache,
        IAuthorizationService auth, TimeProvider clock, Cases.CalendarProvider calendars, Telemetry telemetry, CancellationToken ct)
    {
        if (TileSources.Find(layer) is not { } source)
            return Problems.NotFound("layer-not-found", $"no tile layer '{(layer.Length > 40 ? layer[..40] : layer)}'; the layers are {string.Join(", ", TileSources.All.Select(s => s.Name))}");
        if (await Refusal(source, http, auth) is { } refused) return refused;
        var (query, badQuery) = QueryOf(source, http, clock, calendars);
        if (badQuery is not null) return badQuery;
        var yText = y.EndsWith(".mvt", StringComparison.Ordinal) ? y[..^4] : y.EndsWith(".pbf", StringComparison.Ordinal) ? y[..^4] : y;
        if (!int.TryParse(yText, out var row)) return Problems.BadRequest("bad-tile", "the tile address is /tiles/{layer}/{z}/{x}/{y}.mvt with whole numbers");
        if (z is < 0 or > 22 || x < 0 || row < 0 || x >= 1 << z || row >= 1 << z)
            return Problems.BadRequest("bad-tile", $"tile {z}/{x}/{row} does not exist: z is 0–22, x and y 0–{(1 << Math.Clamp(z, 0, 22)) - 1}");
        http.Response.Headers.CacheControl = source.CaseData ? "private, max-age=30" : "public, max-age=60";
        if (z < source.MinZoom || z > source.MaxZoom) return Results.NoContent();

        // Layers of cases and patrols are cut to the caller's scope; the others are the same for everyone.
        var scope = source.CaseData ? CallerScope.Of(http.User) : CallerScope.CityWide;
        // A tile is one scope's and one query's: the key of both is what the cache and a shared build know it by.
        var key = query!.Key.Length == 0 ? scope.Key : scope.Key + "?" + query.Key;
        (byte[] Tile, string ETag) hit;
        var db = 0.0;
        if (source.Parts is { } parts)
        {
            // A composite: the tiles of its parts whose zooms hold z, one after the other, each from its own cache
            // (those not cached are built at once, each on its own connection).
            var pieces = await Task.WhenAll(parts.Select(p => TileSources.Find(p)!).Where(p => z >= p.MinZoom && z <= p.MaxZoom)
                .Select(p => CachedAsync(p, scope, query!, key, z, x, row, dataSource, cache, clock, telemetry)));
            hit = Joined([.. pieces.Select(p => p.Tile)]);
            db = pieces.Length == 0 ? 0 : pieces.Max(p => p.Db);
        }
        else (hit, db) = await CachedAsync(source, scope, query!, key, z, x, row, dataSource, cache, clock, telemetry);
        // How long the database took, for browsers' and benchmarks' timing panels (absent when every tile was cached).
        if (db > 0) http.Response.Headers["Server-Timing"] = FormattableString.Invariant($"db;dur={db:0.00}");
        // Plain, gzip and br answers of one tile differ by Accept-Encoding: caches must key on it, compressed or not.
        http.Response.Headers.Vary = "Accept-Encoding";
        if (hit.Tile.Length == 0) return Results.NoContent();
        // Weak: the compression middleware sends the same tile in three encodings under this one validator, which a
        // strong ETag must not do (RFC 9110 8.8.1); If-None-Match compares weakly, and * matches any tile there is.
        var etag = "W/" + hit.ETag;
        http.Response.Headers.ETag = etag;
        if (http.Request.Headers.IfNoneMatch.ToString().Split(',').Select(t => t.Trim()).Any(t => t == "*" || (t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t) == hit.ETag))
            return Results.StatusCode(304);
        return Results.Bytes(hit.Tile, "application/vnd.mapbox-vector-tile");
    }

    /// <summary>A source's tile from the cache, or built (once however many ask for it at the same moment); Db: the ms the build took, 0 when cached.</summary>
    private static async Task<((byte[] Tile, string ETag) Tile, double Db)> CachedAsync(TileSource source, CallerScope scope, TileQuery query, string key,
        int z, int x, int row, NpgsqlDataSource dataSource, TileCache cache, TimeProvider clock, Telemetry telemetry)
    {
        var cached = cache.TryGet(source.Name, key, z, x, row, out var hit);
        telemetry.TileLookup(source.Name, cached);
        if (cached) return (hit, 0);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // The tile is cached inside the shared build, before the build is let go: a request arriving between the two finds it.
        hit = await cache.BuildOnceAsync(source.Name, key, z, x, row, async () =>
        {
            cache.CountBuild();
            var built = await BuildAsync(source, scope, query, z, x, row, dataSource, clock, CancellationToken.None);
            if (!source.CaseData) cache.Put(source.Name, key, z, x, row, built.Tile, built.ETag);
            return built;
        });
        return (hit, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Tiles one after the other (an MVT tile is a sequence of layers), under an ETag of theirs.</summary>
    private static (byte[] Tile, string ETag) Joined(List<(byte[] Tile, string ETag)> pieces)
    {
        if (pieces.Count == 1) return pieces[0];
        var tile = new byte[pieces.Sum(p => p.Tile.Length)];
        var at = 0;
        foreach (var (piece, _) in pieces)
        {
            piece.CopyTo(tile, at);
            at += piece.Length;
        }
        var tag = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', pieces.Select(p => p.ETag))));
        return (tile, $"\"{Convert.ToHexString(tag)[..32].ToLowerInvariant()}\"");
    }

    private static async Task<(byte[] Tile, string ETag)> BuildAsync(TileSource source, CallerScope scope, TileQuery query, int z, int x, int row, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken ct)
    {
        {
            await using var cmd = dataSource.CreateCommand(SqlFiles.Get(source.SqlFile));
            cmd.Parameters.AddWithValue("z", z);
            cmd.Parameters.AddWithValue("x", x);
            cmd.Parameters.AddWithValue("y", row);
            // One pixel of a 4096-unit tile, in degrees at the equator: simplification below it cannot be seen.
            cmd.Parameters.AddWithValue("tolerance", 360.0 / (1 << z) / 4096);
            cmd.Parameters.AddWithValue("cap", FeatureCap);
            cmd.Parameters.AddWithValue("now", clock.GetUtcNow().ToUniversalTime());
            // The scope's rule as SQL: grid codes LIKE ANY (@scope); patrol workers by district (none: every district).
            cmd.Parameters.AddWithValue("scope", scope.Patterns);
            cmd.Parameters.AddWithValue("districts", scope.Districts);
            foreach (var (name, value) in query.Values) cmd.Parameters.AddWithValue(name, value);
            var bytes = (byte[])(await cmd.ExecuteScalarAsync(ct))!;
            // The scope and the query are part of the ETag: a validator of one district's tile (or one period's) never revalidates another's.
            var tag = SHA256.HashData([.. System.Text.Encoding.UTF8.GetBytes(scope.Key + "\n" + query.Key + "\n"), .. bytes]);
            return (bytes, $"\"{Convert.ToHexString(tag)[..32].ToLowerInvariant()}\"");
        }
    }

    private static async Task<IResult> Metadata(string layer, HttpContext http, Grids.GridRegistry grids, IAuthorizationService auth)
    {
        if (TileSources.Find(layer) is not { } source)
            return Problems.NotFound("layer-not-found", $"no tile layer '{(layer.Length > 40 ? layer[..40] : layer)}'");
        if (await Refusal(source, http, auth) is { } refused) return refused;
        // Every layer is drawn over the district: its current grids' extent (kept by the registry) bounds the tileset.
        var env = grids.Current.Extent;
        var b = env.IsNull ? new[] { -180.0, -85.0, 180.0, 85.0 } : [env.MinX, env.MinY, env.MaxX, env.MaxY];
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var vectorLayers = source.Layers.Select(l => new { id = l.Id, description = l.Description, minzoom = l.MinZoom, maxzoom = l.MaxZoom, fields = l.Fields });
        return Results.Json(new Dictionary<string, object>
        {
            ["name"] = source.Name,
            ["format"] = "pbf",
            ["minzoom"] = source.MinZoom.ToString(inv),
            ["maxzoom"] = source.MaxZoom.ToString(inv),
            ["bounds"] = string.Join(',', b.Select(v => v.ToString(inv))),
            ["center"] = string.Join(',', Centre(source, grids.Current, b).Select(v => v.ToString(inv))),
            ["json"] = System.Text.Json.JsonSerializer.Serialize(new { vector_layers = vectorLayers }),
        });
    }

    /// <summary>
    /// Where a client opens the layer: a point inside a responsibility grid near the middle of the grids (the middle of
    /// the bounds would be in whatever lies between districts), at a zoom where the layer draws its finest features.
    /// </summary>
    private static double[] Centre(TileSource source, Grids.GridSnapshot grids, double[] bounds)
    {
        var zoom = Math.Clamp(15, source.MinZoom, source.MaxZoom);
        return grids.Centre is { } c ? [c.X, c.Y, zoom] : [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, zoom];
    }

    private static async Task<IResult> TileJson(string layer, HttpContext http, Grids.GridRegistry registry, IAuthorizationService auth,
        TimeProvider clock, Cases.CalendarProvider calendars)
    {
        if (TileSources.Find(layer) is not { } source)
            return Problems.NotFound("layer-not-found", $"no tile layer '{(layer.Length > 40 ? layer[..40] : layer)}'; the layers are {string.Join(", ", TileSources.All.Select(s => s.Name))}");
        if (await Refusal(source, http, auth) is { } refused) return refused;
        var (query, badQuery) = QueryOf(source, http, clock, calendars);
        if (badQuery is not null) return badQuery;
        // The tiles URL carries the query as given (checked, in a fixed order), so a client of this TileJSON draws that period.
        var given = query!.Given.Length == 0 ? "" : "?" + query.Given;
        var grids = registry.Current.Extent;
        double[] bounds = grids.IsNull ? [-180, -85.05, 180, 85.05] : [grids.MinX, grids.MinY, grids.MaxX, grids.MaxY];
        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        var json = new Dictionary<string, object?>
        {
            ["tilejson"] = "3.0.0",
            ["name"] = source.Name,
            ["description"] = source.Description,
            ["tiles"] = new[] { $"{baseUrl}/tiles/{source.Name}/{{z}}/{{x}}/{{y}}.mvt{given}" },
            ["minzoom"] = source.MinZoom,
            ["maxzoom"] = source.MaxZoom,
            ["bounds"] = bounds,
            ["center"] = Centre(source, registry.Current, bounds),
            ["attribution"] = "© OpenStreetMap contributors (roads); SpatialGrid",
            ["vector_layers"] = source.Layers.Select(l => new Dictionary<string, object>
            {
                ["id"] = l.Id, ["description"] = l.Description, ["minzoom"] = l.MinZoom, ["maxzoom"] = l.MaxZoom, ["fields"] = l.Fields,
            }).ToList(),
        };
        if (source.Parameters is { } parameters) json["parameters"] = parameters.Described;
        return Results.Json(json);
    }
}
