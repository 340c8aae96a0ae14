using System.Text.Json;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>The grid SQL that EF Core cannot say well: validation context, bulk insert by binary COPY, publish, history.</summary>
public sealed class GridStore(NpgsqlDataSource dataSource, IEnumerable<IGridPublishListener> listeners)
{
    public async Task<List<ExistingGrid>> ValidationContextAsync(string[] scope, CancellationToken ct)
    {
        var codes = scope.Select(GridCode.Parse).ToList();
        var parents = codes.Select(c => c.ParentValue).OfType<string>().Distinct().ToArray();
        var cities = codes.Where(c => c.Level == GridLevel.District).Select(c => c.SiblingKey).Distinct().ToArray();
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Grids/Sql/validation_context.sql"));
        cmd.Parameters.AddWithValue("parents", parents);
        cmd.Parameters.AddWithValue("scope", scope);
        cmd.Parameters.AddWithValue("cities", cities);
        var result = new List<ExistingGrid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new ExistingGrid(GridCode.Parse(r.GetString(0)), (GridKind)r.GetInt32(1), r.GetFieldValue<Geometry>(2)));
        return result;
    }

    /// <summary>Stores a validated import as a draft version with one binary COPY; returns the version id.</summary>
    public async Task<long> InsertDraftAsync(IReadOnlyList<GridDraft> drafts, string[] scope, string source, string createdBy, IReadOnlyList<GridProblem> warnings, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        long version;
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO grid_versions (status, scope, source, feature_count, created_by, created_at, report) VALUES (1, @scope, @source, @count, @by, now(), @report) RETURNING id", conn, tx))
        {
            cmd.Parameters.AddWithValue("scope", scope);
            cmd.Parameters.AddWithValue("source", source.Length > 500 ? source[..500] : source);
            cmd.Parameters.AddWithValue("count", drafts.Count);
            cmd.Parameters.AddWithValue("by", createdBy);
            cmd.Parameters.Add(new NpgsqlParameter("report", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(warnings.Select(w => new { w.Kind, w.Message, w.Feature, w.Code, w.AreaM2 })) });
            version = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await using (var copy = await conn.BeginBinaryImportAsync(
            "COPY grids (version_id, code, district_code, name, level, kind, parent_code, leader, geometry, generated, area_m2) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var d in drafts)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(version, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(d.Code.Value, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(d.Code.DistrictCode, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(d.Name, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync((int)d.Level, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync((int)d.Kind, NpgsqlDbType.Integer, ct);
                if (d.ParentCode is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(d.ParentCode, NpgsqlDbType.Varchar, ct);
                if (d.Leader is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(d.Leader, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync((Geometry)d.Geometry, NpgsqlDbType.Geometry, ct);
                await copy.WriteAsync(d.Generated, NpgsqlDbType.Boolean, ct);
                await copy.WriteAsync(Math.Round(Measure.AreaM2(d.Geometry), 1), NpgsqlDbType.Double, ct);
            }
            await copy.CompleteAsync(ct);
        }
        if (drafts.Count >= 1_000)
        {
            // Fresh statistics, or the planner joins the next 100,000 component points to the grids as if they were a handful.
            await using var analyze = new NpgsqlCommand("ANALYZE grids", conn, tx);
            await analyze.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return version;
    }

    /// <summary>Makes a draft current. Returns false when the version is not a draft (already published or discarded).</summary>
    public async Task<bool> PublishAsync(long version, string by, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('spatialgrid.grids.publish'))", conn, tx))
            await lockCmd.ExecuteNonQueryAsync(ct);
        string[] scope;
        await using (var cmd = new NpgsqlCommand("SELECT scope FROM grid_versions WHERE id = @id AND status = 1 FOR UPDATE", conn, tx))
        {
            cmd.Parameters.AddWithValue("id", version);
            var value = await cmd.ExecuteScalarAsync(ct);
            if (value is not string[] s) return false;
            scope = s;
        }
        await using (var cmd = new NpgsqlCommand(SqlFiles.Get("Grids/Sql/publish.sql"), conn, tx))
        {
            cmd.Parameters.AddWithValue("scope", scope);
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("version", version);
            cmd.Parameters.AddWithValue("by", by);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        foreach (var listener in listeners) await listener.OnPublishedAsync(conn, tx, ct);
        await using (var notify = new NpgsqlCommand("SELECT pg_notify('spatialgrid_grids', @v::text)", conn, tx))
        {
            notify.Parameters.AddWithValue("v", version);
            await notify.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<List<IndexedGridRow>> CurrentAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT code, name, level, kind, geometry FROM grids WHERE valid_from IS NOT NULL AND valid_to IS NULL");
        var rows = new List<IndexedGridRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new IndexedGridRow(r.GetString(0), r.GetString(1), (GridLevel)r.GetInt32(2), (GridKind)r.GetInt32(3), r.GetFieldValue<Geometry>(4)));
        return rows;
    }

    public async Task<string?> LocateAtAsync(double lon, double lat, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Grids/Sql/locate_at.sql"));
        cmd.Parameters.AddWithValue("lon", lon);
        cmd.Parameters.AddWithValue("lat", lat);
        cmd.Parameters.AddWithValue("at", at);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public async Task<Dictionary<string, (string Name, GridLevel Level)>> NamesAtAsync(IReadOnlyList<string> codes, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Grids/Sql/names_at.sql"));
        cmd.Parameters.AddWithValue("codes", codes.ToArray());
        cmd.Parameters.AddWithValue("at", at);
        var result = new Dictionary<string, (string, GridLevel)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result[r.GetString(0)] = (r.GetString(1), (GridLevel)r.GetInt32(2));
        return result;
    }
}

/// <summary>Work that must follow a grid version into effect in the same transaction (e.g. re-linking components).</summary>
public interface IGridPublishListener
{
    Task OnPublishedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}

/// <summary>A current grid as loaded for the in-memory index.</summary>
public sealed record IndexedGridRow(string Code, string Name, GridLevel Level, GridKind Kind, Geometry Geometry);
