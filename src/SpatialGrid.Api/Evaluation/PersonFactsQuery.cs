using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Evaluation;
using SpatialGrid.Core.Supervision;

namespace SpatialGrid.Api.Evaluation;

/// <summary>Loads what the role indicators read for a period, as the caller sees it: the cases, the tasks, the rostered shifts as instants.</summary>
public static class PersonFactsQuery
{
    public static async Task<List<Judgement>> JudgeAsync(NpgsqlDataSource dataSource, CallerScope scope, EvaluationPeriod period, TimeSpan utcOffset,
        DateTimeOffset asOf, CancellationToken ct)
    {
        // The three reads are independent: each on its own pooled connection, at once (the cases' read is the longest).
        var cases = CasesAsync(dataSource, scope, period, ct);
        var tasks = TasksAsync(dataSource, scope, period, ct);
        var shifts = ShiftsAsync(dataSource, scope, period, utcOffset, ct);
        await Task.WhenAll(cases, tasks, shifts);
        return PersonEvaluation.Judge(await cases, await tasks, await shifts, asOf).ToList();
    }

    private static async Task<List<PersonCaseFacts>> CasesAsync(NpgsqlDataSource dataSource, CallerScope scope, EvaluationPeriod period, CancellationToken ct)
    {
        var cases = new List<PersonCaseFacts>();
        await using (var cmd = dataSource.CreateCommand(SqlFiles.Get("Evaluation/Sql/person_cases.sql")))
        {
            Bind(cmd, scope, period);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                DateTimeOffset? At(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
                var source = (CaseSource)r.GetInt32(2);
                cases.Add(new PersonCaseFacts(r.GetString(0), S(1), CaseNodesApi.ChannelOf(source), source is CaseSource.Device or CaseSource.Camera,
                    (CaseState)r.GetInt32(3), r.GetFieldValue<DateTimeOffset>(4), S(5), r.GetString(6), At(7), S(8), r.GetFieldValue<DateTimeOffset>(9), At(10), S(11),
                    r.GetInt32(12), r.GetInt32(13), At(14), S(15), r.GetFieldValue<DateTimeOffset>(16)));
            }
        }
        return cases;
    }

    private static async Task<List<PersonTaskFacts>> TasksAsync(NpgsqlDataSource dataSource, CallerScope scope, EvaluationPeriod period, CancellationToken ct)
    {
        var tasks = new List<PersonTaskFacts>();
        await using (var cmd = dataSource.CreateCommand(SqlFiles.Get("Evaluation/Sql/person_tasks.sql")))
        {
            Bind(cmd, scope, period);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                tasks.Add(new PersonTaskFacts(r.GetString(0), (TaskKind)r.GetInt16(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetBoolean(4),
                    r.GetFieldValue<DateTimeOffset>(5), r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetBoolean(7)));
        }
        return tasks;
    }

    private static async Task<List<ShiftSpan>> ShiftsAsync(NpgsqlDataSource dataSource, CallerScope scope, EvaluationPeriod period, TimeSpan utcOffset,
        CancellationToken ct)
    {
        var shifts = new List<ShiftSpan>();
        await using (var cmd = dataSource.CreateCommand(SqlFiles.Get("Evaluation/Sql/person_shifts.sql")))
        {
            var first = DateOnly.FromDateTime(period.From.ToOffset(utcOffset).DateTime).AddDays(-1);
            var last = DateOnly.FromDateTime(period.To.ToOffset(utcOffset).DateTime);
            cmd.Parameters.AddWithValue("first", first);
            cmd.Parameters.AddWithValue("last", last);
            cmd.Parameters.AddWithValue("districts", scope.Districts);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var day = r.GetFieldValue<DateOnly>(1);
                TimeOnly starts = r.GetFieldValue<TimeOnly>(2), ends = r.GetFieldValue<TimeOnly>(3);
                var from = new DateTimeOffset(day.ToDateTime(starts), utcOffset);
                // An end before the start runs past midnight.
                var to = new DateTimeOffset((ends <= starts ? day.AddDays(1) : day).ToDateTime(ends), utcOffset);
                shifts.Add(new ShiftSpan(r.GetString(0), r.GetFieldValue<string[]>(4), from.ToUniversalTime(), to.ToUniversalTime()));
            }
        }
        return shifts;
    }

    private static void Bind(NpgsqlCommand cmd, CallerScope scope, EvaluationPeriod period)
    {
        cmd.Parameters.AddWithValue("from", period.From);
        cmd.Parameters.AddWithValue("to", period.To);
        cmd.Parameters.AddWithValue("scope", scope.Patterns);
        cmd.Parameters.AddWithValue("all", scope.IsCityWide);
    }
}
