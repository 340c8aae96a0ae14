using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Security;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>Options of the evaluation (section <c>Evaluation</c>).</summary>
public sealed class EvaluationOptions
{
    /// <summary>
    /// How long the facts of a period, read once, serve further evaluations of the same period and scope (the seven
    /// tables of a monthly review read one snapshot); 0 reads them anew for every request. A change to a case of the
    /// period ends the snapshot at once; this age bounds what no case event announces (roster edits).
    /// </summary>
    public int FactsMaxAgeSeconds { get; set; } = 60;

    /// <summary>Snapshots kept at once (periods × scopes); the oldest goes first.</summary>
    public int MaxSnapshots { get; set; } = 16;

    public bool IsValid() => FactsMaxAgeSeconds is >= 0 and <= 3600 && MaxSnapshots is > 0 and <= 1000;
}

/// <summary>
/// The facts of a period as the caller's scope sees them, read once and shared by the evaluations that follow (areas of
/// every tier and units fold the same case facts; people and roles the same judgements, made from the same read of the
/// cases), so that a review's tables and the cases behind each figure agree with each other and cost one read. A snapshot says when it was taken
/// (<see cref="Snapshot{T}.AsOf"/>: the answers' <c>asOf</c>) and ends when any case reported in its period changes
/// (the case events every instance hears), when a task changes (for people), or after
/// <see cref="EvaluationOptions.FactsMaxAgeSeconds"/>.
/// </summary>
public sealed class EvaluationSnapshots
{
    public sealed record Snapshot<T>(T Value, DateTimeOffset AsOf);

    private sealed record Key(string Kind, string Scope, DateTimeOffset From, DateTimeOffset To);

    /// <summary>A snapshot being read or read: the read starts only for the entry that made it into the table.</summary>
    private sealed record Entry(Lazy<Task<object>> Read, long Taken, DateTimeOffset AsOf)
    {
        public Task<object> Value => Read.Value;
    }

    private const string Cases = "cases", People = "people";
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly NpgsqlDataSource _dataSource;
    private readonly CalendarProvider _calendars;
    private readonly TimeProvider _clock;
    private readonly EvaluationOptions _options;

    public EvaluationSnapshots(NpgsqlDataSource dataSource, CaseNotifier notifier, CalendarProvider calendars, TimeProvider clock, IOptions<EvaluationOptions> options)
    {
        (_dataSource, _calendars, _clock, _options) = (dataSource, calendars, clock, options.Value);
        notifier.Notified += Forget;
    }

    /// <summary>Snapshots held now (for tests and health).</summary>
    public int Count => _entries.Count;

    /// <summary>The period's cases the caller sees, read once for both sides of a review (areas and units; people and roles).</summary>
    private async Task<Snapshot<PeriodCases>> CasesAsync(CallerScope scope, EvaluationPeriod period, CancellationToken ct)
    {
        var (value, asOf) = await GetAsync(new Key(Cases, string.Join('|', scope.Patterns), period.From, period.To),
            async now => (object)await CaseFactsQuery.LoadAsync(_dataSource, scope, period, CancellationToken.None), ct);
        return new((PeriodCases)value, asOf);
    }

    /// <summary>
    /// The area and unit facts of the period's cases the caller sees. A review asks for its people's tables too: their
    /// snapshot (the tasks and the roster read, the cases judged) is started meanwhile, on the other core, while the
    /// area tables are folded, unless snapshots are not kept.
    /// </summary>
    public async Task<Snapshot<IReadOnlyList<CaseFacts>>> CaseFactsAsync(CallerScope scope, EvaluationPeriod period, CancellationToken ct)
    {
        var (cases, asOf) = await CasesAsync(scope, period, ct);
        if (_options.FactsMaxAgeSeconds > 0) _ = PrepareJudgementsAsync(scope, period);
        return new(cases.Facts, asOf);
    }

    private async Task PrepareJudgementsAsync(CallerScope scope, EvaluationPeriod period)
    {
        try
        {
            await JudgementsAsync(scope, period, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Not kept (GetAsync forgets a failed read): the people's tables read again when asked for, and say why then.
        }
    }

    /// <summary>The per-role judgements of the period's cases and tasks the caller sees, judged at the snapshot's moment.</summary>
    public async Task<Snapshot<PeopleJudged>> JudgementsAsync(CallerScope scope, EvaluationPeriod period, CancellationToken ct)
    {
        var (value, asOf) = await GetAsync(new Key(People, string.Join('|', scope.Patterns), period.From, period.To),
            async now => (object)await PersonFactsQuery.JudgeAsync(_dataSource, scope, period, _calendars.Calendar.UtcOffset, now,
                PeopleOf(CasesAsync(scope, period, CancellationToken.None)), CancellationToken.None), ct);
        return new((PeopleJudged)value, asOf);
    }

    private static async Task<IReadOnlyList<PersonCaseFacts>> PeopleOf(Task<Snapshot<PeriodCases>> cases) => (await cases).Value.People;

    private async Task<(object Value, DateTimeOffset AsOf)> GetAsync(Key key, Func<DateTimeOffset, Task<object>> load, CancellationToken ct)
    {
        var maxAge = TimeSpan.FromSeconds(_options.FactsMaxAgeSeconds);
        var now = _clock.GetUtcNow().ToUniversalTime();
        if (maxAge == TimeSpan.Zero) return (await load(now).WaitAsync(ct), now);
        while (true)
        {
            if (_entries.TryGetValue(key, out var held))
            {
                if (_clock.GetElapsedTime(held.Taken) <= maxAge)
                {
                    try
                    {
                        return (await held.Value.WaitAsync(ct), held.AsOf);
                    }
                    catch (Exception) when (!ct.IsCancellationRequested)
                    {
                        // A failed read is not kept: the next request reads again.
                        _entries.TryRemove(new KeyValuePair<Key, Entry>(key, held));
                        throw;
                    }
                }
                _entries.TryRemove(new KeyValuePair<Key, Entry>(key, held));
            }
            // Shared by every request of the snapshot: not cancelled when the first caller goes away.
            var entry = new Entry(new Lazy<Task<object>>(() => Task.Run(() => load(now))), _clock.GetTimestamp(), now);
            if (!_entries.TryAdd(key, entry)) continue;
            Trim();
            try
            {
                return (await entry.Value.WaitAsync(ct), now);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                _entries.TryRemove(new KeyValuePair<Key, Entry>(key, entry));
                throw;
            }
        }
    }

    private void Trim()
    {
        while (_entries.Count > _options.MaxSnapshots)
        {
            var oldest = _entries.OrderBy(kv => kv.Value.Taken).FirstOrDefault();
            if (oldest.Key is null || !_entries.TryRemove(oldest)) return;
        }
    }

    /// <summary>
    /// A case event ends the snapshots of the period its case was reported in (its number holds the local day:
    /// <c>{district}-{yyyyMMdd}-{n}</c>); a task event ends every snapshot of people (a task answered now may have
    /// been sent in an earlier period).
    /// </summary>
    private void Forget(CaseNotification n)
    {
        if (_entries.IsEmpty) return;
        var task = n.Kind.StartsWith("task-", StringComparison.Ordinal);
        (DateTimeOffset From, DateTimeOffset To)? day = ReportDay(n.Number);
        foreach (var key in _entries.Keys)
        {
            var hit = (task && key.Kind == People) || day is not { } d || (d.From < key.To && d.To > key.From);
            if (hit) _entries.TryRemove(key, out _);
        }
    }

    private (DateTimeOffset From, DateTimeOffset To)? ReportDay(string number)
    {
        var parts = number.Split('-');
        if (parts.Length < 3 || !DateOnly.TryParseExact(parts[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        var from = new DateTimeOffset(local.ToDateTime(TimeOnly.MinValue), _calendars.Calendar.UtcOffset);
        return (from, from.AddDays(1));
    }
}

public static class EvaluationSetup
{
    public static IServiceCollection AddEvaluation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EvaluationOptions>().Bind(configuration.GetSection("Evaluation"))
            .Validate(o => o.IsValid(), "Evaluation options are out of range (FactsMaxAgeSeconds 0..3600, MaxSnapshots 1..1000)").ValidateOnStart();
        services.AddSingleton<EvaluationSnapshots>();
        return services;
    }
}
