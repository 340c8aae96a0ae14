using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Open311;

/// <summary>
/// <c>POST requests</c>: a resident's report becomes a case, opened by <see cref="CaseOpener"/> like every other. Where:
/// lat and long, or else the <c>address_string</c> located on the city's own roads, communities and grids; an address
/// sent with lat/long is kept with the case and answered as its <c>address</c>.
/// </summary>
public static class Open311Reports
{
    public const string Description =
        "Form fields as in GeoReport v2. Where the problem is: lat and long (WGS 84), or address_string alone, located on the city's own road, " +
        "community and grid names (an exact name, else the longest name the address begins with, else the one name that begins with it; an address " +
        "that matches none, or several places, is refused naming them). An address_string sent with lat/long is kept and answered as address. " +
        "jurisdiction_id may be left out or name this service's own. Reporter fields (email, names, phone, device_id, account_id) are not stored.";

    public static readonly OpenApiForms.Field[] Fields =
    [
        new("api_key", JsonSchemaType.String, "a key allowed to open cases (or the X-Api-Key header)"),
        new("jurisdiction_id", JsonSchemaType.String, "this service's jurisdiction (Open311:JurisdictionId), or nothing"),
        new("service_code", JsonSchemaType.String, "an event class from services.xml", Required: true),
        new("description", JsonSchemaType.String, "what is wrong (optional, as in GeoReport v2)"),
        new("lat", JsonSchemaType.Number, "WGS 84 latitude (with long, or give address_string)"),
        new("long", JsonSchemaType.Number, "WGS 84 longitude (with lat, or give address_string)"),
        new("address_string", JsonSchemaType.String, $"where, in words: a road, community or grid name of the city (at most {AddressLocator.MaxLength} characters)"),
        new("media_url", JsonSchemaType.String, "a photo's URL"),
    ];

    public static async Task<Open311Answer> Post(HttpRequest http, SpatialGridDb db, CaseOpener opener, AddressLocator addresses, IOptions<GridsOptions> gridOptions,
        IOptions<Open311Options> options, CancellationToken ct)
    {
        if (!http.HasFormContentType) return Open311Answer.Fail(400, "send the request as application/x-www-form-urlencoded (or multipart/form-data)");
        IFormCollection form;
        try
        {
            form = await http.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Open311Answer.Fail(400, $"the form cannot be read: {e.Message}");
        }
        if (form.FirstOrDefault(f => StorableText.HasNul(f.Key) || f.Value.Any(StorableText.HasNul)) is { Key: not null } bad)
            return Open311Answer.Fail(400, $"field '{Open311Api.Clip(StorableText.Escaped(bad.Key)!)}' holds {StorableText.Why}");
        if (Open311Api.Jurisdiction(form["jurisdiction_id"].FirstOrDefault(), options.Value) is { } elsewhere) return elsewhere;
        var key = form["api_key"].FirstOrDefault() ?? http.Headers["X-Api-Key"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(key))
        {
            http.HttpContext.Response.Headers.WWWAuthenticate = ApiKeyAuthenticationHandler.KeyChallenge;
            return Open311Answer.Fail(401, "api_key is required to report a problem");
        }
        var (user, failure) = await ApiKeyAuthenticationHandler.PrincipalAsync(http.HttpContext.RequestServices, key);
        if (user is null) return Open311Answer.Fail(403, failure!);
        // The opener's policy, asked before the form is read further: a planner's or GIS editor's key reads, it does not open cases.
        var caller = CaseCaller.Of(user);
        if (CaseOpener.MayOpen(caller) is { } refused) return Open311Answer.Fail(refused.Status, refused.Detail);

        var code = form["service_code"].ToString();
        var address = string.IsNullOrWhiteSpace(form["address_string"]) ? null : form["address_string"].ToString().Trim();
        var hasPoint = !string.IsNullOrWhiteSpace(form["lat"]) && !string.IsNullOrWhiteSpace(form["long"]);
        // GeoReport v2 makes description optional: a report without one says so in the case.
        var missing = new[] { "service_code" }.Where(f => string.IsNullOrWhiteSpace(form[f])).ToList();
        if (!hasPoint && address is null) missing.Add("lat and long (or address_string)");
        if (missing.Count > 0) return Open311Answer.Fail(400, $"missing: {string.Join(", ", missing)}");
        if (address is { Length: > AddressLocator.MaxLength })
            return Open311Answer.Fail(400, $"address_string has {address.Length} characters; at most {AddressLocator.MaxLength}");

        double lat, lon;
        if (hasPoint)
        {
            if (!double.TryParse(form["lat"], NumberStyles.Float, CultureInfo.InvariantCulture, out lat) ||
                !double.TryParse(form["long"], NumberStyles.Float, CultureInfo.InvariantCulture, out lon))
                return Open311Answer.Fail(400, "lat and long must be decimal degrees (WGS 84)");
        }
        else
        {
            var match = await addresses.LocateAsync(address!, ct);
            if (match.Place is not { } place) return Open311Answer.Fail(400, Unlocated(address!, match));
            (lat, lon) = (place.Lat, place.Lon);
        }
        // A point outside the service area (lat 0, long 0 from a phone without a fix) is refused, as over MQTT, instead of
        // being sent to the nearest district.
        var area = gridOptions.Value.Limits().ServiceArea;
        if (!area.Contains(lon, lat))
            return Open311Answer.Fail(400, FormattableString.Invariant($"lat {lat}, long {lon} is outside the service area ({area.MinX}–{area.MaxX} E, {area.MinY}–{area.MaxY} N)"));
        var media = form["media_url"].FirstOrDefault();
        var description = string.IsNullOrWhiteSpace(form["description"]) ? $"Open311 report of {code} without a description" : form["description"].ToString();
        var report = new CaseReport(code, description, lon, lat, null, "resident", null, null, string.IsNullOrWhiteSpace(media) ? null : [media]) { Address = address };
        var (detail, problem) = await opener.OpenAsync(report, CaseChannel.Open311, caller, ct);
        return problem is not null
            ? Open311Answer.Fail(problem.Status, problem.Detail)
            : new Open311Answer(new[] { new Created(detail!.Case.Number, null, null) }, StatusCodes.Status201Created);
    }

    /// <summary>Why an address alone cannot be located: it names nothing of the city, or several places (listed).</summary>
    private static string Unlocated(string address, AddressMatch match) => match.IsAmbiguous
        ? $"address_string '{Open311Api.Clip(address)}' could mean {match.Candidates.Count}{(match.Candidates.Count >= AddressLocator.Cap ? " or more" : "")} places: " +
          $"{string.Join("; ", match.Candidates.Take(10))}{(match.Candidates.Count > 10 ? "; …" : "")}. Name one of them, or send lat and long"
        : $"address_string '{Open311Api.Clip(address)}' matches no road, community or grid of the city; send lat and long, or a name the city uses";
}
