namespace SpatialGrid.Api.Open311;

/// <summary>Options of the Open311 GeoReport v2 interface (section <c>Open311</c>).</summary>
public sealed class Open311Options
{
    /// <summary>
    /// The jurisdiction this service answers for (GeoReport v2's <c>jurisdiction_id</c>, by custom the city's domain): a
    /// request may leave it out or name this one; any other is refused (404), never served as if it were this city's.
    /// </summary>
    public string JurisdictionId { get; set; } = "sh.gov.cn";

    /// <summary>Who to contact about the interface (discovery's <c>contact</c>).</summary>
    public string Contact { get; set; } = "The city-management command centre (12345) answers questions about this interface and takes bug reports.";

    /// <summary>How a client gets an API key (discovery's <c>key_service</c>).</summary>
    public string KeyService { get; set; } =
        "Reports need an API key of role patrol or dispatcher, issued by the service's administrator (sgrid keys create --role patrol).";

    /// <summary>When the interface last changed (discovery's <c>changeset</c>).</summary>
    public DateTimeOffset Changeset { get; set; } = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The public address of the service (discovery's endpoint <c>url</c> is under it); empty: the address the request came to.</summary>
    public string? PublicUrl { get; set; }

    public bool IsValid() => !string.IsNullOrWhiteSpace(JurisdictionId) && (string.IsNullOrEmpty(PublicUrl) || Uri.TryCreate(PublicUrl, UriKind.Absolute, out _));
}
