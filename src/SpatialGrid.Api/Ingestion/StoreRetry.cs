namespace SpatialGrid.Api.Ingestion;

/// <summary>
/// The writers' one rule (alerts and patrol fixes): a batch is tried again until it is stored, waiting 0.1 s, then
/// twice as long each time up to 2 s, and nothing is acknowledged before. While it waits the writer is paused (for
/// GET /api/ingestion and the logs); stopping the service ends the wait with nothing stored, so the devices send again.
/// </summary>
public sealed class StoreRetry(string what, ILogger log)
{
    public bool Paused { get; private set; }

    /// <summary>Runs <paramref name="write"/> until it succeeds; false when the service stopped first.</summary>
    public async Task<bool> UntilStoredAsync(Func<Task> write, int count, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await write();
                if (Paused) log.LogInformation("{What} resumed", what);
                Paused = false;
                return true;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                if (AlertPipeline.IsTransient(e))
                    log.LogWarning("{What} paused: {Count} message(s) could not be written ({Error}); retrying in {Delay} ms", what, count, e.Message, delay.TotalMilliseconds);
                else log.LogError(e, "{What} paused by an unexpected error on {Count} message(s); retrying in {Delay} ms", what, count, delay.TotalMilliseconds);
                Paused = true;
                await Task.Delay(delay, ct).ContinueWith(_ => { });
                if (ct.IsCancellationRequested) return false;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }
}
