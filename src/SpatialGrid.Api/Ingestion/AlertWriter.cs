using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Ingestion;

/// <summary>A case opened by a batch, announced once the batch has committed.</summary>
public sealed record OpenedCase(string Number, string DistrictCode, string GridCode, string ClassCode, string? TraceId = null, string? Device = null);

/// <summary>
/// Writes one batch of messages in one transaction (group commit): refused ones as dead letters; alerts once per
/// (gateway, msgId) (<see cref="AlertRepeats"/>); each accepted alert joining an open case (<see cref="AlertCaseMatcher"/>)
/// or opening one (<see cref="AlertCaseOpening"/>). Writers of every instance take a lock per district first, so the
/// check for a stored alert and the match against open cases see each other's work. An attempt that meets a stale
/// hint or an unremembered repeat is rolled back and tried again as <see cref="AlertWriteRetry"/> says.
/// </summary>
public sealed class AlertWriter([FromKeyedServices(DatabaseSetup.Prepared)] NpgsqlDataSource dataSource, IServiceScopeFactory scopes, CalendarProvider calendars,
    DeviceRegistry registry, TimeProvider clock, Telemetry telemetry)
{
    /// <summary>Time spent in each step since start, in ticks (GET /api/ingestion shows it: where the writer's time goes).</summary>
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> StepTicks = new();

    private long _mark;

    private void Step(string name)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        telemetry.WriterStep(name, System.Diagnostics.Stopwatch.GetElapsedTime(_mark, now));
        StepTicks.AddOrUpdate(name, System.Diagnostics.Stopwatch.GetElapsedTime(_mark, now).Ticks, (_, t) => t + System.Diagnostics.Stopwatch.GetElapsedTime(_mark, now).Ticks);
        _mark = now;
    }

    private readonly AlertRepeats _repeats = new();
    private readonly AlertCaseMatcher _cases = new();
    private readonly AlertCaseOpening _opening = new(scopes, calendars, registry);

    /// <summary>Batches written a second time because a repeat was not remembered (GET /api/ingestion).</summary>
    public long UnrememberedRepeats => Interlocked.Read(ref _unremembered);
    private long _unremembered;

    public async Task<(InboundResult[] Results, List<OpenedCase> Opened)> WriteAsync(IReadOnlyList<Inbound> batch, CancellationToken ct)
    {
        _cases.Bound();
        for (WriteMode? mode = WriteMode.First; mode is { } m;)
        {
            var (outcome, results, opened) = await WriteOnceAsync(batch, m, ct);
            if (outcome == WriteOutcome.Committed)
            {
                _repeats.Remember(batch, results);
                return (results, opened);
            }
            // The rolled-back attempt may have left hints to cases it opened or to the case closed meanwhile: drop them all.
            _cases.Forget();
            if (outcome == WriteOutcome.UnrememberedRepeat) Interlocked.Increment(ref _unremembered);
            mode = AlertWriteRetry.After(m, outcome);
        }
        throw new InvalidOperationException("an open case the batch's alerts joined was closed while the batch was written; the batch is written again");
    }

    private async Task<(WriteOutcome, InboundResult[], List<OpenedCase>)> WriteOnceAsync(IReadOnlyList<Inbound> batch, WriteMode mode, CancellationToken ct)
    {
        var results = new InboundResult[batch.Count];
        var opened = new List<OpenedCase>();
        var now = CaseHistory.Microseconds(clock.GetUtcNow());
        _mark = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        Step("open");

        var accepted = new List<int>();
        var rejected = new List<int>();
        for (var i = 0; i < batch.Count; i++) (batch[i].Rejected ? rejected : accepted).Add(i);
        var lookUp = _repeats.ToLookUp(batch, accepted, mode.LookUpAll);
        var stored = await AlertRows.LockLookUpAndRefuseAsync(conn, tx, batch, accepted, lookUp, rejected, ct);
        foreach (var i in rejected) results[i] = InboundResult.Rejected;
        Step("lock-existing-dead-letters");

        var fresh = AlertRepeats.Fresh(batch, accepted, stored, results);
        if (fresh.Count > 0)
        {
            var outcome = await StoreAsync(batch, fresh, conn, tx, now, opened, mode, ct);
            // Not committed: disposing the transaction rolls it back.
            if (outcome != WriteOutcome.Committed) return (outcome, results, opened);
            foreach (var i in fresh) results[i] = InboundResult.Stored;
        }
        await tx.CommitAsync(ct);
        Step("commit");
        return (WriteOutcome.Committed, results, opened);
    }

    /// <summary>The fresh alerts: matched against open cases, new cases opened, the alerts copied, the joins and alarms written.</summary>
    private async Task<WriteOutcome> StoreAsync(IReadOnlyList<Inbound> batch, List<int> fresh, NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now,
        List<OpenedCase> opened, WriteMode mode, CancellationToken ct)
    {
        var open = await _cases.FindAsync(batch, fresh, conn, tx, mode.UseHints, ct);
        Step("open-cases");
        var cases = _cases.Match(batch, fresh, open);
        var openedCases = cases.NewCases.Count > 0 ? await _opening.OpenAsync(batch, cases, conn, tx, now, ct) : [];
        foreach (var o in openedCases)
        {
            _cases.Remember(o.Device, o.Type, o.Case.Id);
            opened.Add(new OpenedCase(o.Case.Number, o.Case.DistrictCode, o.Case.GridCode!, o.Case.ClassCode, o.TraceId, o.Device));
        }
        Step("match-and-new-cases");
        if (!await AlertRows.CopyAsync(conn, batch, fresh, now, cases, absorbRepeats: !mode.LookUpAll, ct)) return WriteOutcome.UnrememberedRepeat;
        Step("insert-alerts");
        if (!await AlertCaseMatcher.JoinAsync(conn, tx, cases.Joins, ct)) return WriteOutcome.StaleCaseHint;
        Step("join-cases");
        await AlertCaseOpening.SetAlarmsAsync(conn, tx, openedCases, ct);
        return WriteOutcome.Committed;
    }
}
