using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Ogc;

/// <summary>The items of a collection (a page of features) and one feature, as GeoJSON in the requested CRS.</summary>
public static class OgcItems
{
    /// <summary>The largest page; a larger <c>limit</c> is taken as this one, as Part 1 asks (not refused).</summary>
    public const int MaxLimit = 10_000;

    private static readonly string[] CommonParameters = ["bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "f", "filter", "filter-lang", "filter-crs", "sortby"];

    internal static readonly string CrsDescription = $"the CRS of the answer's coordinates: {string.Join(", ", OgcCrs.Supported)}";

    private static readonly JsonSerializerOptions LinkJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The items endpoint reads its query itself (it refuses parameters it does not know), so the document would list
    /// none: describe them here, the collections' property filters included, as OGC API – Features asks of the API
    /// definition its landing page links to.
    /// </summary>
    internal static Task DescribeParameters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(OpenApiForms.Query("bbox", JsonSchemaType.String, "minx,miny,maxx,maxy in bbox-crs (default CRS84: lon,lat)"));
        operation.Parameters.Add(OpenApiForms.Query("bbox-crs", JsonSchemaType.String, $"the CRS of bbox: {string.Join(", ", OgcCrs.Supported)}"));
        operation.Parameters.Add(OpenApiForms.Query("crs", JsonSchemaType.String, CrsDescription));
        operation.Parameters.Add(OpenApiForms.Query("datetime", JsonSchemaType.String,
            "an RFC 3339 instant, date or interval (a/b, .. for an open end; the start not after the end, else 400): grids valid then, "
            + "cases reported then, patrol tracks of the days walked then, risk scores of the forecast days then; collections without time "
            + "(components) refuse it. A date is its whole day in UTC (2026-01-15 = 2026-01-15T00:00:00Z up to the next day), as is an "
            + "instant without an offset: for the city's day give the offset (2026-01-15T00:00:00+08:00/2026-01-15T23:59:59+08:00)"));
        // The bounds in the schema, where clients look for them: GDAL pages by the maximum instead of 10 at a time.
        var limit = OpenApiForms.Query("limit", JsonSchemaType.Integer, $"features per page, from 1 (default 100); above {MaxLimit} taken as {MaxLimit}");
        limit.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = MaxLimit.ToString(CultureInfo.InvariantCulture), Default = 100 };
        operation.Parameters.Add(limit);
        operation.Parameters.Add(OpenApiForms.Query("offset", JsonSchemaType.Integer, "features to skip (default 0); the answer's next link carries it"));
        operation.Parameters.Add(OpenApiForms.Query("f", JsonSchemaType.String, OgcApi.FormatDescription));
        operation.Parameters.Add(OpenApiForms.Query("filter", JsonSchemaType.String,
            "a CQL2 filter over the collection's queryables (/queryables): comparisons, AND/OR/NOT, LIKE, IN, BETWEEN, IS NULL, S_INTERSECTS, T_INTERSECTS"));
        operation.Parameters.Add(OpenApiForms.Query("filter-lang", JsonSchemaType.String, $"{OgcFilter.Text} (default) or {OgcFilter.Json}"));
        operation.Parameters.Add(OpenApiForms.Query("filter-crs", JsonSchemaType.String, $"the CRS of the filter's geometries: {OgcCrs.Crs84} only"));
        operation.Parameters.Add(OpenApiForms.Query("sortby", JsonSchemaType.String, "sort keys: queryables with + (ascending, default) or - (descending), e.g. -area_m2,name"));
        var collections = context.ApplicationServices.GetServices<IOgcCollection>().ToList();
        foreach (var filter in collections.SelectMany(c => c.Filters).Distinct())
        {
            var which = collections.Where(c => c.Filters.Contains(filter)).Select(c => c.Id);
            operation.Parameters.Add(OpenApiForms.Query(filter, JsonSchemaType.String, $"property filter of the collection(s) {string.Join(", ", which)}; other collections refuse it"));
        }
        return Task.CompletedTask;
    }

    internal static async Task<IResult> Items(string collectionId, HttpRequest request, IEnumerable<IOgcCollection> collections, SpatialGridDb db, TimeProvider clock, CancellationToken ct)
    {
        if (OgcApi.Find(collections, collectionId) is not { } collection) return OgcApi.UnknownCollection(collectionId, collections);
        if (TryParse(request.Query, collection, out var parsed) is { } refusal) return Problems.BadRequest(refusal.Kind, refusal.Detail, refusal.Members);
        var query = parsed with { Scope = CallerScope.Of(request.HttpContext.User) };
        int matched;
        IReadOnlyList<Action<Utf8JsonWriter>> features;
        try
        {
            (matched, features) = await collection.ItemsAsync(db, query, ct);
        }
        catch (OgcException e)
        {
            // A collection's own property filter (level, status, …) with a value it does not know.
            return Problems.BadRequest(e.Kind, e.Message);
        }
        var q = request.Query;
        var self = $"{OgcApi.Base(request)}/collections/{collection.Id}/items";
        // The links carry the limit used (a clamped one included), so that following them pages as this answer did.
        string Page(int o) => $"{self}?{string.Join('&', q.Where(kv => kv.Key is not ("offset" or "limit"))
            .Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value.ToString())}").Append($"limit={query.Limit}").Append($"offset={o}"))}";
        var links = new List<OgcLink> { new(Page(query.Offset), "self", "application/geo+json", "this page") };
        if (query.Offset + features.Count < matched) links.Add(new(Page(query.Offset + query.Limit), "next", "application/geo+json", "next page"));
        if (query.Offset > 0) links.Add(new(Page(Math.Max(0, query.Offset - query.Limit)), "prev", "application/geo+json", "previous page"));
        links.Add(new($"{OgcApi.Base(request)}/collections/{collection.Id}", "collection", "application/json", collection.Title));

        var stream = new MemoryStream();
        await using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteString("timeStamp", clock.GetUtcNow().ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteNumber("numberMatched", matched);
            w.WriteNumber("numberReturned", features.Count);
            w.WritePropertyName("links");
            JsonSerializer.Serialize(w, links, LinkJson);
            w.WriteStartArray("features");
            foreach (var write in features) write(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        request.HttpContext.Response.Headers["Content-Crs"] = $"<{query.Crs}>";
        stream.Position = 0;
        return TypedResults.Stream(stream, "application/geo+json");
    }

    internal static async Task<IResult> Item(string collectionId, string featureId, HttpRequest request, IEnumerable<IOgcCollection> collections, SpatialGridDb db, CancellationToken ct)
    {
        if (OgcApi.Find(collections, collectionId) is not { } collection) return OgcApi.UnknownCollection(collectionId, collections);
        var crs = request.Query["crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(crs)) return Problems.BadRequest("unsupported-crs", $"crs '{crs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var write = await collection.ItemAsync(db, featureId, crs, CallerScope.Of(request.HttpContext.User), ct);
        if (write is null) return Problems.NotFound("feature-not-found", $"no feature '{(featureId.Length > 40 ? featureId[..40] : featureId)}' in collection {collection.Id}");
        var self = $"{OgcApi.Base(request)}/collections/{collection.Id}/items/{Uri.EscapeDataString(featureId)}";
        var stream = new MemoryStream();
        await using (var w = new Utf8JsonWriter(stream))
        {
            write(w, writer =>
            {
                writer.WritePropertyName("links");
                JsonSerializer.Serialize(writer, new OgcLink[]
                {
                    new(self, "self", "application/geo+json", "this feature"),
                    new($"{OgcApi.Base(request)}/collections/{collection.Id}", "collection", "application/json", collection.Title),
                }, LinkJson);
            });
        }
        request.HttpContext.Response.Headers["Content-Crs"] = $"<{crs}>";
        stream.Position = 0;
        return TypedResults.Stream(stream, "application/geo+json");
    }

    /// <summary>The query, or why it is refused.</summary>
    private static OgcRefusal? TryParse(IQueryCollection q, IOgcCollection collection, out OgcQuery query)
    {
        query = null!;
        var unknown = q.Keys.Where(k => !CommonParameters.Contains(k) && !collection.Filters.Contains(k)).ToList();
        if (unknown.Count > 0)
            return new OgcRefusal("unknown-parameter", $"unknown query parameter(s): {string.Join(", ", unknown)}; known: {string.Join(", ", CommonParameters.Concat(collection.Filters))}");
        var crs = q["crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(crs)) return new OgcRefusal("unsupported-crs", $"crs '{crs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var bboxCrs = q["bbox-crs"].FirstOrDefault() ?? OgcCrs.Crs84;
        if (!OgcCrs.IsSupported(bboxCrs)) return new OgcRefusal("unsupported-crs", $"bbox-crs '{bboxCrs}' is not one of {string.Join(", ", OgcCrs.Supported)}");
        var limit = 100;
        if (q["limit"].FirstOrDefault() is { } ls)
        {
            // Digits beyond int's range are still "above the maximum", not malformed.
            if (ls.Length > 0 && ls.All(char.IsAsciiDigit) && !int.TryParse(ls, out _)) limit = MaxLimit;
            else if (!int.TryParse(ls, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
                return new OgcRefusal("bad-limit", $"limit must be a whole number from 1 (larger than {MaxLimit} is taken as {MaxLimit})");
            limit = Math.Min(limit, MaxLimit);
        }
        var offset = 0;
        if (q["offset"].FirstOrDefault() is { } os && (!int.TryParse(os, out offset) || offset < 0))
            return new OgcRefusal("bad-offset", "offset must be a non-negative integer");
        NetTopologySuite.Geometries.Geometry? bbox = null;
        if (q["bbox"].FirstOrDefault() is { } text)
        {
            var parts = text.Split(',');
            var v = new double[parts.Length];
            if (parts.Length != 4 || parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) && double.IsFinite(v[i])).Any(ok => !ok))
                return new OgcRefusal("bad-bbox", "bbox must be four numbers: minx,miny,maxx,maxy in bbox-crs (default CRS84: lon,lat)");
            bbox = OgcCrs.BoxToWgs84(v[0], v[1], v[2], v[3], bboxCrs);
            if (bbox is null) return new OgcRefusal("bad-bbox", $"bbox {text} in {bboxCrs} is empty or lies partly outside the CRS's area of use");
        }
        DateTimeOffset? from = null, to = null;
        var hasDatetime = q["datetime"].FirstOrDefault() is not null;
        if (hasDatetime && !collection.HasTime)
            return new OgcRefusal("datetime-not-supported", $"collection {collection.Id} has no time property, so datetime cannot select its features; leave it out");
        if (hasDatetime && ReadInterval(q["datetime"]!, out from, out to) is { } badTime) return new OgcRefusal("bad-datetime", badTime);
        var filters = collection.Filters.Where(f => q.ContainsKey(f)).ToDictionary(f => f, f => q[f].ToString());
        if (OgcFilter.TryRead(q, collection, out var where, out var sortBy) is { } refusal) return refusal;
        query = new OgcQuery(bbox, hasDatetime, from, to, limit, offset, crs, filters, where, sortBy);
        return null;
    }

    /// <summary>
    /// An RFC 3339 instant, or an interval a/b with <c>..</c> (or nothing) for an open end. A date without a time is its
    /// whole day in UTC, the temporal reference of OGC API – Features (the Gregorian calendar in UTC; an instant without
    /// an offset is UTC too): <c>2026-01-15</c> is 2026-01-15T00:00:00Z up to the last microsecond before the next day,
    /// and a date ending an interval takes in its whole day. Null when the text is neither, with why.
    /// </summary>
    internal static string? ReadInterval(string text, out DateTimeOffset? from, out DateTimeOffset? to)
    {
        from = to = null;
        var parts = text.Split('/');
        if (parts.Length > 2) return $"datetime '{text}' is not an RFC 3339 instant, date or interval (a/b, with .. for open ends)";
        if (parts.Length == 1)
        {
            if (!TryBound(parts[0], out var start, out var end) || start is null)
                return $"datetime '{text}' is not an RFC 3339 instant, date or interval (a/b, with .. for open ends)";
            (from, to) = (start, end);
            return OutOfRange(text, from, to);
        }
        if (!TryBound(parts[0], out from, out _) || !TryBound(parts[1], out _, out to))
            return $"datetime '{text}' is not an RFC 3339 instant, date or interval (a/b, with .. for open ends)";
        if (from > to) return $"datetime '{text}' ends before it starts: give the earlier time first";
        return OutOfRange(text, from, to);
    }

    /// <summary>Times are read in the city's local day too (a day's offset either side): the first and last day of the calendar are left out.</summary>
    private static string? OutOfRange(string text, DateTimeOffset? from, DateTimeOffset? to) =>
        from is { Year: 1, DayOfYear: 1 } || to is { Year: 1, DayOfYear: 1 } || from is { Year: 9999, Month: 12, Day: 31 } || to is { Year: 9999, Month: 12, Day: 31 }
            ? $"datetime '{text}' is out of range: give times from 0001-01-02 to 9999-12-30 (or .. for an open end)"
            : null;

    /// <summary>One end of an interval: its first and last instant (equal for an instant; a date's day in UTC); null for an open end.</summary>
    private static bool TryBound(string text, out DateTimeOffset? first, out DateTimeOffset? last)
    {
        first = last = null;
        if (text is "" or "..") return true;
        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            first = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            // PostgreSQL keeps microseconds: the day's last instant it can hold (without stepping past the calendar's last day).
            last = new DateTimeOffset(day.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero).AddTicks(-9);
            return true;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return false;
        first = last = at.ToUniversalTime();
        return true;
    }
}
