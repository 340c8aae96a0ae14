using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using NpgsqlTypes;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>A period's cases as both sides of a review read them: area and unit facts, and what the role indicators read.</summary>
public sealed record PeriodCases(ChunkedList<CaseFacts> Facts, ChunkedList<PersonCaseFacts> People);

/// <summary>Loads a period's cases as the caller sees them: one row per case for both sides of a review, the period read in parts at once.</summary>
public static class CaseFactsQuery
{
    public static async Task<PeriodCases> LoadAsync(NpgsqlDataSource dataSource, CallerScope scope, EvaluationPeriod period, CancellationToken ct)
    {
        var parts = await PeriodParts.ReadAsync(period, part => LoadPartAsync(dataSource, scope, part, ct));
        return new PeriodCases(ChunkedList<CaseFacts>.Join(parts.Select(p => p.Facts)), ChunkedList<PersonCaseFacts>.Join(parts.Select(p => p.People)));
    }

    private static async Task<PeriodCases> LoadPartAsync(NpgsqlDataSource dataSource, CallerScope scope, EvaluationPeriod period, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Evaluation/Sql/case_facts.sql"));
        cmd.Parameters.AddWithValue("from", period.From);
        cmd.Parameters.AddWithValue("to", period.To);
        cmd.Parameters.AddWithValue("scope", scope.Patterns);
        cmd.Parameters.AddWithValue("all", scope.IsCityWide);
        var rows = new PeriodCases(new(), new());
        var texts = new TextPool();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            string? S(int i) => texts.Get(r, i);
            DateTimeOffset? At(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
            var (number, grid, state, reported, accepted, closed, closeDue) =
                (r.GetString(0), S(2), (CaseState)r.GetInt32(4), r.GetFieldValue<DateTimeOffset>(5), At(6), At(9), r.GetFieldValue<DateTimeOffset>(10));
            var source = (CaseSource)r.GetInt32(13);
            rows.Facts.Add(new CaseFacts(number, S(1)!, grid, S(3)!, state, reported, accepted, At(7), At(8), closed, closeDue, r.GetInt32(11), r.GetBoolean(12)));
            rows.People.Add(new PersonCaseFacts(number, grid, CaseNodesApi.ChannelOf(source), source is CaseSource.Device or CaseSource.Camera, state, reported, S(14),
                S(15)!, accepted, S(16), r.GetFieldValue<DateTimeOffset>(17), At(18), S(19), r.GetInt32(20), r.GetInt32(21), closed, S(22), closeDue));
        }
        return rows;
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
