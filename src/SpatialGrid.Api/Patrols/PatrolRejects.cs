namespace SpatialGrid.Api.Patrols;

/// <summary>Reasons a fix is refused once the registry is consulted (the parser's own are in <c>RejectReasons</c>).</summary>
public static class PatrolRejects
{
    public const string UnknownWorker = "unknown-worker";
    /// <summary>Some fixes of the batch were refused: the reason of the batch's dead letter, which lists them.</summary>
    public const string SomeFixes = "some-fixes-refused";
}
