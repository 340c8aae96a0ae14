using System.Diagnostics;

namespace SpatialGrid.DeviceSim;

/// <summary>
/// Sends a fleet's alerts for a while at the rate asked, in chunks, each chunk reconciled (acknowledged against stored)
/// while the next one is sent, so that the rate holds over the wall time: a chunk at a time with its reconciliation in
/// between (a new process each time) spent half of a soak's time not sending. Each chunk prints its summary and its
/// reconciliation line, as a single run does. With a database to reconcile from (<c>--reconcile-db</c>), nothing is read
/// back while sending: every chunk is reconciled at the end in one read of the database (the reads through the API cost
/// PostgreSQL more than the writes they checked, so the soak's rate was its instrument's), and one line says so.
/// The chunks keep one schedule from the soak's start (<see cref="SoakSchedule"/>): what a slow chunk fell behind (the
/// service's first minute while its code warms up, a checkpoint) and the time between chunks are made up by the next.
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
        var schedule = new SoakSchedule(run.Rate, duration, chunk);
        var clock = Stopwatch.StartNew();
        Task<Reconciliation>? reconciling = null;
        var clean = true;
        var chunks = new List<RunResult>();
        long sent = 0;
        while (!ct.IsCancellationRequested && schedule.Next(clock.Elapsed, sent) is { } next)
        {
            var result = await Publisher.RunAsync(fleet, run with { Count = next.Count, Rate = next.Rate }, log, ct);
            sent += result.MsgIds.Length;
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
        log.WriteLine($"soak schedule: {sent:N0} messages sent in {clock.Elapsed.TotalSeconds:0.0} s ({sent / clock.Elapsed.TotalSeconds:N0}/s; " +
            $"asked {run.Rate:N0}/s for {duration.TotalSeconds:0} s: {run.Rate * duration.TotalSeconds:N0})");
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

/// <summary>One chunk of a soak: how many messages, at what rate.</summary>
public readonly record struct SoakChunk(int Count, double Rate, TimeSpan Length);

/// <summary>
/// A soak's schedule: <c>rate</c> messages a second from its start to its end. Each chunk is given what the schedule
/// asks by the chunk's end less what was sent, so a chunk that ran slow is made up by the next ones, at most
/// <see cref="MaxCatchUp"/> times the rate (a service that cannot keep up is not flooded: the soak then reports the
/// rate it reached). The last chunk runs to the end: no tail of the soak is left unsent.
/// </summary>
public sealed class SoakSchedule(double rate, TimeSpan duration, TimeSpan chunk)
{
    /// <summary>The highest rate a chunk may ask to catch up, as a multiple of the rate.</summary>
    public const double MaxCatchUp = 1.5;

    /// <summary>Chunks shorter than this are not started: what is left is sent with the chunk before.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);

    /// <summary>The next chunk at <paramref name="elapsed"/> since the start with <paramref name="sent"/> messages sent, or null when the soak is over.</summary>
    public SoakChunk? Next(TimeSpan elapsed, long sent)
    {
        var left = duration - elapsed;
        if (left < Shortest) return null;
        // A remainder shorter than half a chunk joins this chunk rather than making a short one of its own.
        var length = left < chunk * 1.5 ? left : chunk;
        var owed = rate * (elapsed + length).TotalSeconds - sent;
        var most = rate * MaxCatchUp * length.TotalSeconds;
        var count = (int)Math.Clamp(Math.Round(owed), 1, Math.Max(1, most));
        return new SoakChunk(count, count / length.TotalSeconds, length);
    }
}
