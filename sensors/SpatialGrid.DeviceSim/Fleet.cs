using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpatialGrid.DeviceSim;

/// <summary>A simulated device: where it is, what it reports.</summary>
public sealed record SimDevice(string Id, string Kind, string[] Types, string? ComponentCode, double Lon, double Lat, bool Moves);

/// <summary>A simulated gateway with its credentials and devices.</summary>
public sealed record SimGateway(string Id, string Secret, List<SimDevice> Devices);

/// <summary>The fleet of one run, saved so that a later command (or a restarted simulator) uses the same credentials.</summary>
public sealed record FleetState(string RunId, List<SimGateway> Gateways)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static FleetState Load(string path) => JsonSerializer.Deserialize<FleetState>(File.ReadAllText(path), Json)
        ?? throw new InvalidOperationException($"{path} is not a fleet state file");
}

/// <summary>
/// Registers a fleet through the API, placed on the demo city's real components: manhole sensors on manhole
/// covers, cameras at pedestrian crossings, fill sensors in litter bins, flood sensors on road lamps (roads
/// flood where they are lit and low).
/// </summary>
public static class Fleet
{
    private sealed record Page(List<Item> Items, int Total);
    private sealed record Item(string Code, string ClassCode, JsonElement Geometry, [property: JsonPropertyName("outside")] bool Outside);

    private static readonly (string Kind, string[] Classes, string[] Types, bool Component)[] Kinds =
    [
        ("manhole-sensor", ["0101", "0102", "0103", "0104", "0105", "0106"], ["manhole.tilt", "manhole.gas", "manhole.missing"], true),
        ("camera", ["0203"], ["camera.vending", "camera.parking", "camera.garbage", "camera.bicycles"], false),
        ("bin-sensor", ["0302"], ["bin.full"], true),
        ("flood-sensor", ["0108"], ["flood.depth"], false),
    ];

    public static async Task<FleetState> SetupAsync(HttpClient api, int gateways, int devicesPerGateway, TextWriter log, CancellationToken ct)
    {
        var runId = DateTime.UtcNow.ToString("MMddHHmmss");
        var places = new Dictionary<string, List<Item>>();
        foreach (var (kind, classes, _, _) in Kinds)
        {
            var items = new List<Item>();
            foreach (var cls in classes)
            {
                var page = await api.GetFromJsonAsync<Page>($"/api/components?class={cls}&pageSize=1000", ct) ?? new Page([], 0);
                items.AddRange(page.Items.Where(i => !i.Outside && i.Geometry.GetProperty("type").GetString() == "Point"));
            }
            if (items.Count == 0) throw new InvalidOperationException($"no components for {kind} devices (classes {string.Join(",", classes)}): load the demo city first");
            places[kind] = items;
        }
        log.WriteLine($"placing {gateways * devicesPerGateway:N0} devices on {places.Sum(p => p.Value.Count):N0} components of the city");

        var state = new FleetState(runId, []);
        var random = new Random(42);
        for (var g = 0; g < gateways; g++)
        {
            var id = $"sim{runId}-gw{g:000}";
            var created = await api.PostAsJsonAsync("/api/gateways", new { id, name = $"Simulated gateway {g} (run {runId})" }, ct);
            if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"creating gateway {id}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(ct)}");
            var secret = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString()!;
            var devices = new List<SimDevice>();
            for (var d = 0; d < devicesPerGateway; d++)
            {
                var (kind, _, types, component) = Kinds[(g * devicesPerGateway + d) % Kinds.Length];
                var place = places[kind][random.Next(places[kind].Count)];
                var xy = place.Geometry.GetProperty("coordinates");
                devices.Add(new SimDevice($"{id}-d{d:000}", kind, types, component ? place.Code : null, xy[0].GetDouble(), xy[1].GetDouble(), !component));
            }
            var body = devices.Select(d => d.ComponentCode is not null
                ? (object)new { id = d.Id, kind = d.Kind, componentCode = d.ComponentCode }
                : new { id = d.Id, kind = d.Kind, lon = d.Lon, lat = d.Lat }).ToArray();
            var registered = await api.PostAsJsonAsync($"/api/gateways/{id}/devices", body, ct);
            if (!registered.IsSuccessStatusCode) throw new InvalidOperationException($"registering devices of {id}: {await registered.Content.ReadAsStringAsync(ct)}");
            state.Gateways.Add(new SimGateway(id, secret, devices));
            if ((g + 1) % 10 == 0 || g + 1 == gateways) log.Write($"\r  gateways registered: {g + 1}/{gateways}");
        }
        log.WriteLine();
        return state;
    }
}
