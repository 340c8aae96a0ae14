namespace SpatialGrid.DeviceSim;

/// <summary>
/// Sends a fleet's alerts for a while at the rate asked, in chunks, each chunk reconciled (acknowledged against stored)
/// while the next one is sent, so that the rate holds over the wall time: a chunk at a time with its reconciliation in
/// between (a new process each time) spent half of a soak's time not sending. Each chunk prints its summary and its
/// reconciliation line, as a single run does. With a database to reconcile from (<c>--reconcile-db</c>), nothing is read
/// back while sending: every chunk is reconciled at the end in one read of the database (the reads through the API cost
/// PostgreSQL more than the writes they checked, so the soak's rate was its instrument's), and one line says so.
/// </summary>
public static class Soak
{
    public static async Task<int> RunAsync(HttpClient api, FleetState fleet, RunOptions run, TimeSpan duration, TimeSpan chunk, TextWriter log,
        CancellationToken ct, string? reconcileDb = null)
    {
        if (run.Rate <= 0 || chunk < TimeSpan.FromSeconds(1) || duration <= TimeSpan.Zero)
        {
            Console.Error.WriteLine("--minutes needs a rate above 0 (--rate), minutes above 0 and --chunk-seconds of at least 1");
            return 2;
        }
        var end = DateTime.UtcNow + duration;
        Task<Reconciliation>? reconciling = null;
        var clean = true;
        var chunks = new List<RunResult>();
        while (!ct.IsCancellationRequested && end - DateTime.UtcNow is { TotalSeconds: > 5 } left)
        {
            var seconds = Math.Min(chunk.TotalSeconds, left.TotalSeconds);
            var result = await Publisher.RunAsync(fleet, run with { Count = Math.Max(1, (int)(run.Rate * seconds)) }, log, ct);
            log.WriteLine(result.Summary());
            if (reconcileDb is not null)
            {
                chunks.Add(result);
                continue;
            }
            // The previous chunk's reconciliation has had this chunk's time; one at a time, so the reads never pile up.
            if (reconciling is not null) clean &= (await reconciling).Clean;
            reconciling = ReconcileAsync(api, result, log, ct);
        }
        if (reconciling is not null) clean &= (await reconciling).Clean;
        if (reconcileDb is not null)
        {
            var all = await Reconciler.FromDatabaseAsync(reconcileDb, chunks, ct);
            log.WriteLine($"{all} [{chunks.Count} chunks, read from the database at the end]");
            clean = all.Clean;
        }
        return clean ? 0 : 1;
    }

    private static async Task<Reconciliation> ReconcileAsync(HttpClient api, RunResult result, TextWriter log, CancellationToken ct)
    {
        var reconciliation = await Reconciler.RunAsync(api, result, TextWriter.Null, ct);
        log.WriteLine(reconciliation);
        return reconciliation;
    }
}
