using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Ogc;

/// <summary>
/// What a <see cref="OgcSqlCollection"/> is: its id, title, description and geometry format (as <see cref="IOgcCollection"/>
/// states them), its query (a <c>.sql</c> file, as <see cref="SqlFiles"/> names it), the order of a page without
/// <c>sortby</c> (the id breaks ties in every order) and the column whose oldest value begins the temporal extent.
/// </summary>
public sealed record OgcSqlSource(string Id, string Title, string Description, string GeometryFormat, string SqlFile, string DefaultOrder, string TimeColumn);

/// <summary>
/// A collection whose features are the rows of one hand-written query (<see cref="Source"/>, a <c>.sql</c> file beside
/// its capability): columns <c>id</c>, <c>geometry</c> (WGS 84) and one per queryable, already limited to what the
/// caller's scope sees and to the <c>datetime</c> asked. Here the page is cut from it: the filter (its SQL only ever
/// the queryables' own, its values parameters), the bbox, the sort keys (the queryables' SQL), the count and one page.
/// </summary>
public abstract class OgcSqlCollection(NpgsqlDataSource data, OgcSqlSource source) : IOgcCollection
{
    public string Id => source.Id;
    public string Title => source.Title;
    public string Description => source.Description;
    public string GeometryFormat => source.GeometryFormat;
    public abstract IReadOnlyList<OgcProperty> Properties { get; }
    public IReadOnlyCollection<string> Filters { get; } = [];
    public bool HasTime => true;
    public string? Policy => SecuritySetup.CaseReaderPolicy;

    private string Source => SqlFiles.Get(source.SqlFile);

    /// <summary>The database, for a collection that finds its extent by a cheaper query than its features'.</summary>
    protected NpgsqlDataSource Data => data;

    /// <summary>
    /// The source's parameters for a caller and a time: <paramref name="timed"/> false is the collection without
    /// <c>datetime</c> (its default time), true with both ends null is every time (a feature by id, the extent). A time
    /// the collection does not serve is refused with an <see cref="OgcException"/> (a 400 of the items endpoint).
    /// </summary>
    protected abstract IEnumerable<NpgsqlParameter> Parameters(CallerScope scope, bool timed, DateTimeOffset? from, DateTimeOffset? to);

    /// <summary>Reads a row's properties, to be written later (the reader is closed by then).</summary>
    protected abstract Action<Utf8JsonWriter> ReadProperties(NpgsqlDataReader row);

    public virtual async Task<OgcExtent> ExtentAsync(SpatialGridDb db, CallerScope scope, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand($"""
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), b
            FROM (SELECT ST_Extent(f.geometry) AS e, min(f.{source.TimeColumn})::timestamptz AS b FROM ({Source}) f) x
            """);
        cmd.Parameters.AddRange(Parameters(scope, true, null, null).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var box = r.IsDBNull(0) ? new Envelope() : new Envelope(r.GetDouble(0), r.GetDouble(2), r.GetDouble(1), r.GetDouble(3));
        return new(box, r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4));
    }

    public async Task<(int Matched, IReadOnlyList<Action<Utf8JsonWriter>> Features)> ItemsAsync(SpatialGridDb db, OgcQuery q, CancellationToken ct)
    {
        var where = new StringBuilder(" WHERE true");
        if (q.Where is { } filter) where.Append(" AND (").Append(filter.Sql).Append(')');
        if (q.Bbox is not null) where.Append(" AND ST_Intersects(f.geometry, ST_SetSRID(@bbox, 4326))");
        NpgsqlParameter[] Bound() =>
        [
            .. Parameters(q.Scope, q.HasDatetime, q.From, q.To),
            .. q.Where is { } w ? OgcFilter.Parameters(w).Cast<NpgsqlParameter>() : [],
            .. q.Bbox is { } box ? [new NpgsqlParameter("bbox", box)] : Array.Empty<NpgsqlParameter>(),
        ];
        await using var count = data.CreateCommand($"SELECT count(*) FROM ({Source}) f{where}");
        count.Parameters.AddRange(Bound());
        var matched = (int)(long)(await count.ExecuteScalarAsync(ct))!;

        var order = q.SortBy is { Count: > 0 } keys
            ? string.Join(", ", keys.Select(k => $"{Properties.First(p => p.Name == k.Property).Sql}{(k.Descending ? " DESC" : "")}"))
            : source.DefaultOrder;
        await using var page = data.CreateCommand($"SELECT * FROM ({Source}) f{where} ORDER BY {order}, f.id LIMIT @page_limit OFFSET @page_offset");
        page.Parameters.AddRange(Bound());
        page.Parameters.AddWithValue("page_limit", q.Limit);
        page.Parameters.AddWithValue("page_offset", q.Offset);
        var features = new List<Action<Utf8JsonWriter>>();
        await using var r = await page.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (id, geometry, properties) = Read(r, q.Crs);
            features.Add(w => Write(w, id, geometry, properties, null));
        }
        return (matched, features);
    }

    public virtual Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemAsync(SpatialGridDb db, string id, string crs, CallerScope scope, CancellationToken ct) =>
        ItemWithinAsync(id, crs, scope, null, null, ct);

    /// <summary>One feature by id among those of a time (a collection whose id names its time reads no other).</summary>
    protected async Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemWithinAsync(string id, string crs, CallerScope scope,
        DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand($"SELECT * FROM ({Source}) f WHERE f.id = @fid");
        cmd.Parameters.AddRange(Parameters(scope, true, from, to).ToArray());
        cmd.Parameters.AddWithValue("fid", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var (fid, geometry, properties) = Read(r, crs);
        return (w, links) => Write(w, fid, geometry, properties, links);
    }

    private (string Id, Geometry Geometry, Action<Utf8JsonWriter> Properties) Read(NpgsqlDataReader r, string crs)
    {
        var g = r.GetFieldValue<Geometry>(r.GetOrdinal("geometry"));
        return (r.GetString(r.GetOrdinal("id")), crs == OgcCrs.Crs84 ? g : OgcCrs.FromWgs84(g, crs), ReadProperties(r));
    }

    private static void Write(Utf8JsonWriter w, string id, Geometry geometry, Action<Utf8JsonWriter> properties, Action<Utf8JsonWriter>? extra)
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", id);
        w.WritePropertyName("geometry");
        JsonSerializer.Serialize(w, geometry, GridGeoJson.Options);
        w.WriteStartObject("properties");
        properties(w);
        w.WriteEndObject();
        extra?.Invoke(w);
        w.WriteEndObject();
    }

    /// <summary>A parameter of a stated type that may be null (an open end of a time).</summary>
    protected static NpgsqlParameter Typed(string name, object? value, NpgsqlDbType type) => new(name, type) { Value = value ?? DBNull.Value };

    /// <summary>Writes a nullable instant as RFC 3339, or null.</summary>
    protected static void WriteInstant(Utf8JsonWriter w, string name, DateTimeOffset? at)
    {
        if (at is { } t) w.WriteString(name, t.ToUniversalTime()); else w.WriteNull(name);
    }

    /// <summary>The reader's value of a column by name, or null.</summary>
    protected static T? Value<T>(NpgsqlDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? default : r.GetFieldValue<T>(i);
    }
}
