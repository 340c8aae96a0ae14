namespace SpatialGrid.Api.Open311;

// GeoReport v2's documents, one record per shape: written as JSON by System.Text.Json and as XML by Open311Xml from the
// same record, so the two formats cannot drift apart. Property names are the standard's field names.

/// <summary>The XML names of a document: the root element, and each item's element when the document is a list.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class Open311XmlAttribute(string root, string? item = null) : Attribute
{
    public string Root { get; } = root;
    public string? Item { get; } = item;
}

/// <summary>A service (a taxonomy class) of <c>GET services</c>.</summary>
[Open311Xml("services", "service")]
public sealed record Service(string service_code, string service_name, string description, bool metadata, string type, string keywords, string group);

/// <summary>A service's definition: no extra attributes are asked by any service.</summary>
[Open311Xml("service_definition")]
public sealed record ServiceDefinition(string service_code, IReadOnlyList<object> attributes);

/// <summary>A service request (a case) as <c>GET requests</c> shows it to its caller (see <see cref="Open311Views"/>).</summary>
[Open311Xml("service_requests", "request")]
public sealed record ServiceRequest(string service_request_id, string status, string? status_notes, string service_name, string service_code, string description,
    string agency_responsible, string? service_notice, DateTimeOffset requested_datetime, DateTimeOffset updated_datetime, DateTimeOffset? expected_datetime,
    string? address, double lat, double @long, string? media_url);

/// <summary>The answer to <c>POST requests</c>: the case is opened at once, so the id is given (no token).</summary>
[Open311Xml("service_requests", "request")]
public sealed record Created(string service_request_id, string? service_notice, string? account_id);

/// <summary>One error of the standard's error list.</summary>
[Open311Xml("errors", "error")]
public sealed record Error(int code, string description);

/// <summary>Service discovery: where the GeoReport v2 endpoint is and what it speaks.</summary>
[Open311Xml("discovery")]
public sealed record Discovery(DateTimeOffset changeset, string contact, string key_service, IReadOnlyList<DiscoveryEndpoint> endpoints);

/// <summary>An endpoint of the discovery document (<c>formats</c> are media types).</summary>
public sealed record DiscoveryEndpoint(string specification, string url, DateTimeOffset changeset, string type, IReadOnlyList<string> formats);

/// <summary>The two formats of every Open311 resource, chosen by the resource's extension (<c>services.xml</c>).</summary>
public sealed record Open311Format(string Extension, string MediaType)
{
    public static readonly Open311Format Json = new("json", "application/json");
    public static readonly Open311Format Xml = new("xml", "text/xml");
    public static readonly Open311Format[] All = [Xml, Json];

    /// <summary>The format of a request: its endpoint's, else (a path no endpoint matched) its extension's.</summary>
    public static Open311Format Of(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<Open311Format>()
        ?? (http.Request.Path.Value?.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) == true ? Xml : Json);
}
