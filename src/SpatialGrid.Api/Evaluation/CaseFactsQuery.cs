using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>Loads the facts of a period's cases as the caller sees them (one scan of the period, one row per case).</summary>
public static class CaseFactsQuery
{
    public static async Task<List<CaseFacts>> LoadAsync(NpgsqlDataSource dataSource, CallerScope scope, EvaluationPeriod period, string? placePrefix, string? unit,
        CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Evaluation/Sql/case_facts.sql"));
        cmd.Parameters.AddWithValue("from", period.From);
        cmd.Parameters.AddWithValue("to", period.To);
        cmd.Parameters.AddWithValue("scope", scope.Patterns);
        cmd.Parameters.AddWithValue("all", scope.IsCityWide);
        // Codes are digits: a prefix needs no LIKE escaping (callers pass digits only).
        cmd.Parameters.AddWithValue("place", (placePrefix ?? "") + "%");
        cmd.Parameters.Add(new NpgsqlParameter("unit", NpgsqlDbType.Text) { Value = (object?)unit ?? DBNull.Value });
        var facts = new List<CaseFacts>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            DateTimeOffset? At(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
            facts.Add(new CaseFacts(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), (CaseState)r.GetInt32(4),
                r.GetFieldValue<DateTimeOffset>(5), At(6), At(7), At(8), At(9), r.GetFieldValue<DateTimeOffset>(10), r.GetInt32(11), r.GetBoolean(12)));
        }
        return facts;
    }

    public static async Task<Dictionary<string, string>> AreaNamesAsync(NpgsqlDataSource dataSource, IEnumerable<string> codes, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Evaluation/Sql/area_names.sql"));
        cmd.Parameters.AddWithValue("codes", codes.ToArray());
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) names[r.GetString(0)] = r.GetString(1);
        return names;
    }
}
