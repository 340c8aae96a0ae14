namespace SpatialGrid.Core.Alerts;

/// <summary>A token bucket: <c>rate</c> messages a second on average, bursts of up to <c>burst</c>. Thread-safe.</summary>
public sealed class TokenBucket(double rate, double burst)
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _last = long.MinValue;

    public double Rate { get; } = rate;
    public double Burst { get; } = burst;

    /// <param name="elapsed">Monotonic time since a fixed start (e.g. <c>TimeProvider.GetElapsedTime(start)</c>).</param>
    public bool TryTake(TimeSpan elapsed)
    {
        var now = elapsed.Ticks;
        lock (_gate)
        {
            if (_last != long.MinValue && now > _last) _tokens = Math.Min(Burst, _tokens + (now - _last) / (double)TimeSpan.TicksPerSecond * Rate);
            if (now > _last) _last = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}
