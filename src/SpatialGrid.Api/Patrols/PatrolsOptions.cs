namespace SpatialGrid.Api.Patrols;

/// <summary>Options of patrols (section <c>Patrols</c>): what a position batch may hold, how fixes are cleaned and walked.</summary>
public sealed class PatrolsOptions
{
    /// <summary>Most fixes in one batch (an MQTT message or an HTTP request); a larger batch is refused whole.</summary>
    public int MaxFixesPerBatch { get; set; } = 5_000;

    /// <summary>Largest HTTP body of POST /api/patrols/positions, in bytes (413 above it).</summary>
    public int MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>A fix whose accuracy (m) is worse than this is flagged and not walked.</summary>
    public double MaxAccuracyM { get; set; } = 50;

    /// <summary>Faster than this (m/s) from the last clean fix is a teleport (a patrol on an e-bike stays well under it).</summary>
    public double MaxSpeedMps { get; set; } = 25;

    /// <summary>A fix farther than this (m) outside the box of the current grids is flagged far-outside.</summary>
    public double FarOutsideM { get; set; } = 3_000;

    /// <summary>Beyond this many minutes without a fix the stretch between two fixes is "no data", not walked.</summary>
    public double GapLimitMinutes { get; set; } = 5;

    /// <summary>A piece in another grid shorter than both of these is GPS jitter on a border, not a visit.</summary>
    public double MinVisitMetres { get; set; } = 20;
    public double MinDwellSeconds { get; set; } = 30;

    /// <summary>Minutes a worker may spend outside their shift's grids during the shift before the centre is told; 0: never.</summary>
    public double OutsideShiftMinutes { get; set; } = 15;

    /// <summary>Days of raw fixes kept; older daily partitions are dropped whole by the retention job. 0 keeps all.</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>
    /// Road share of coverage: the road class (the national standard's 0201, roads), metres of road each sample stands
    /// for, metres either side of a walked segment that count as walked (a phone's 5–15 m plus the pavement beside the
    /// centre line), and minutes after which the roads are read again (a component import changes them).
    /// </summary>
    public string RoadClass { get; set; } = "0201";
    public double RoadSampleMetres { get; set; } = 10;
    public double RoadBufferMetres { get; set; } = 25;
    public double RoadsRefreshMinutes { get; set; } = 10;

    /// <summary>Most batches written in one transaction (group commit) and batches queued before publishers are slowed.</summary>
    public int MaxBatches { get; set; } = 500;
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>
    /// Writer loops, each with its own queue and connection; a sender's batches always go to the same one (in order).
    /// Two keep both cores busy: while one waits on PostgreSQL the other cleans and walks.
    /// </summary>
    public int Writers { get; set; } = 2;

    public bool IsValid() => MaxFixesPerBatch is > 0 and <= 100_000 && MaxBodyBytes > 0 && MaxAccuracyM > 0 && MaxSpeedMps > 0
        && FarOutsideM >= 0 && GapLimitMinutes > 0 && MinVisitMetres >= 0 && MinDwellSeconds >= 0 && RetentionDays >= 0
        && MaxBatches > 0 && QueueCapacity > 0 && Writers is >= 1 and <= 16 && OutsideShiftMinutes >= 0
        && !string.IsNullOrWhiteSpace(RoadClass) && RoadSampleMetres >= 1 && RoadBufferMetres >= 0 && RoadsRefreshMinutes > 0;
}
