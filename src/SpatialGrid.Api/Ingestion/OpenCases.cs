using Npgsql;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Ingestion;

/// <summary>The open cases of a batch, found by device and type, and by grid and class.</summary>
internal sealed class OpenCases
{
    private readonly Dictionary<(string Device, string Type), OpenAlertCase> _byDevice = new();
    private readonly Dictionary<(string Grid, string Class), List<OpenAlertCase>> _byGridClass = new();
    private readonly HashSet<long> _seen = [];

    public void Add(OpenAlertCase c)
    {
        if (!_seen.Add(c.Id)) return;
        if (c.DeviceId is { } d && c.AlertType is { } t) _byDevice.TryAdd((d, t), c);
        var key = (c.GridCode, c.ClassCode);
        if (!_byGridClass.TryGetValue(key, out var list)) _byGridClass[key] = list = [];
        list.Add(c);
    }

    public bool HasDevice(string device, string type) => _byDevice.ContainsKey((device, type));

    /// <summary>A case known only by its device and type (a hint): enough for the first rule; its time is not needed there.</summary>
    public void AddDeviceCase(string device, string type, long id) =>
        _byDevice.TryAdd((device, type), new OpenAlertCase(id, "", "", device, type, 0, 0, DateTimeOffset.MinValue));

    public IEnumerable<((string, string) Key, long Id)> DeviceCases() => _byDevice.Select(x => (x.Key, x.Value.Id));

    public async Task ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            Add(new OpenAlertCase(r.GetInt64(0), r.IsDBNull(1) ? "" : r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetDouble(5), r.GetDouble(6), r.GetFieldValue<DateTimeOffset>(7)));
        }
    }

    /// <summary>The rules of <see cref="AlertDeduplication"/>, on the candidates that can match.</summary>
    public OpenAlertCase? Match(string device, string type, DeviceType rule, string grid, double lon, double lat, DateTimeOffset at) =>
        _byDevice.TryGetValue((device, type), out var own)
            ? own
            : _byGridClass.TryGetValue((grid, rule.ClassCode), out var near) ? AlertDeduplication.Match(near, device, type, rule, grid, lon, lat, at) : null;
}
