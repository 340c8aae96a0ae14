namespace SpatialGrid.Core.Patrols;

/// <summary>The last clean fix of a worker: the state the cleaning of the next fixes starts from.</summary>
public sealed record TrackPoint(DateTimeOffset T, double Lon, double Lat)
{
    /// <summary>The fix's accuracy radius in metres, when known: the teleport rule allows for it (unknown counts as 0).</summary>
    public double? Accuracy { get; init; }

    /// <summary>
    /// A teleport-flagged fix after this point that the next fix may confirm (the metro rule). Kept in the state so
    /// the rule works across batches too, when a phone sends each fix on its own; null when there is none.
    /// </summary>
    public TrackPoint? Suspect { get; init; }

    /// <summary>
    /// The track starts anew here (the metro rule confirmed a jump): the way from the previous point to this one was
    /// not seen, so <see cref="VisitTracker"/> does not walk it and treats it like a gap.
    /// </summary>
    public bool Restart { get; init; }

    public static TrackPoint Of(GpsFix fix) => new(fix.T, fix.Lon, fix.Lat) { Accuracy = fix.Accuracy };
}
