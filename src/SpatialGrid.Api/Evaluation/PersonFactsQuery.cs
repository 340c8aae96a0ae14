using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Evaluation;
using SpatialGrid.Core.Supervision;

namespace SpatialGrid.Api.Evaluation;

/// <summary>A period's judgements of people: their totals (the tables), and every judgement (the cases behind a figure), judged again when first asked for.</summary>
public sealed record PeopleJudged(JudgementTotals Totals, Lazy<List<Judgement>> All);

/// <summary>Loads what the role indicators read for a period besides the cases, as the caller sees it: the tasks, the rostered shifts as instants.</summary>
public static class PersonFactsQuery
{
    /// <summary>
    /// Judges the period's cases (read by the caller, once for both sides of a review) with the tasks and shifts read
    /// here: the totals at once, every judgement (the cases behind a figure) when first asked for.
    /// </summary>
    public static async Task<PeopleJudged> JudgeAsync(NpgsqlDataSource dataSource, CallerScope scope, EvaluationPeriod period, TimeSpan utcOffset,
        DateTimeOffset asOf, Task<IReadOnlyList<PersonCaseFacts>> cases, CancellationToken ct)
    {
        // The reads are independent: the tasks and the roster each on its own pooled connection, while the cases come.
        var tasks = TasksAsync(dataSource, scope, period, ct);
        var shifts = ShiftsAsync(dataSource, scope, period, utcOffset, ct);
        await Task.WhenAll(cases, tasks, shifts);
        var (facts, taskFacts, shiftSpans) = (await cases, await tasks, await shifts);
        return new PeopleJudged(JudgementTotals.Of(PersonEvaluation.Judge(facts, taskFacts, shiftSpans, asOf)),
            new Lazy<List<Judgement>>(() => [.. PersonEvaluation.Judge(facts, taskFacts, shiftSpans, asOf)]));
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
