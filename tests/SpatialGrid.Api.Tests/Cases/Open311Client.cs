using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>What an Open311 client sends and reads: a reporting key, form bodies, and the two formats of answers.</summary>
public static class Open311Client
{
    /// <summary>A key of the 12345 hotline's app (role patrol: it opens cases).</summary>
    public static async Task<string> AppKeyAsync(ApiFixture api)
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "12345 hotline", roles = new[] { "patrol" } });
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>The form fields of a point.</summary>
    public static (string, string)[] At((double Lon, double Lat) point) =>
        [("lat", point.Lat.ToString(CultureInfo.InvariantCulture)), ("long", point.Lon.ToString(CultureInfo.InvariantCulture))];

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static async Task<XElement> XmlAsync(HttpResponseMessage response)
    {
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text);
        return XDocument.Parse(text).Root!;
    }

    /// <summary>The id of the request a POST opened (JSON answer).</summary>
    public static async Task<string> OpenedAsync(HttpResponseMessage posted)
    {
        Assert.True(posted.StatusCode == System.Net.HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        return (await JsonAsync(posted))[0].GetProperty("service_request_id").GetString()!;
    }
}
