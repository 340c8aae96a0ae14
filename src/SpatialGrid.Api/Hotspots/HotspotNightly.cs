using Coravel.Invocable;

namespace SpatialGrid.Api.Hotspots;

/// <summary>The nightly training and scoring of the new day (Coravel; one instance at a time, by the training's own locks).</summary>
public sealed class HotspotNightly(HotspotTraining training, ILogger<HotspotNightly> log) : IInvocable
{
    public async Task Invoke()
    {
        try
        {
            await training.TrainAsync(training.Today(), "nightly", backtest: true, CancellationToken.None);
        }
        catch (SpatialGrid.Hotspots.HotspotInputException e)
        {
            log.LogWarning("Nightly hotspot training skipped: {Reason}", e.Message);
        }
        catch (HotspotTraining.BusyException)
        {
            log.LogInformation("Nightly hotspot training skipped: another training is running");
        }
    }
}
