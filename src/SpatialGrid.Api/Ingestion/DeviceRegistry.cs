using Npgsql;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Ingestion;

public sealed record GatewayInfo(string Id, byte[] SecretHash, string[] Districts, bool Disabled, string? MosquittoHash);

public sealed record DeviceInfo(string Id, string GatewayId, string Kind, string? ComponentCode, double? Lon, double? Lat);

/// <summary>
/// The gateways and devices, in memory for the ingestion path: loaded at start, reloaded after a change in this
/// instance and, through LISTEN spatialgrid_devices, after a change in any other.
/// </summary>
public sealed class DeviceRegistry(NpgsqlDataSource dataSource, MosquittoFiles mosquitto, ILogger<DeviceRegistry> log) : BackgroundService
{
    public const string Channel = "spatialgrid_devices";
    private volatile Snapshot _snapshot = new(new Dictionary<string, GatewayInfo>(), new Dictionary<string, DeviceInfo>());
    private readonly SemaphoreSlim _reload = new(1, 1);

    private sealed record Snapshot(Dictionary<string, GatewayInfo> Gateways, Dictionary<string, DeviceInfo> Devices);

    public GatewayInfo? Gateway(string? id) => id is not null && _snapshot.Gateways.TryGetValue(id, out var g) ? g : null;

    public DeviceInfo? Device(string id) => _snapshot.Devices.GetValueOrDefault(id);

    public int DeviceCount => _snapshot.Devices.Count;

    public IEnumerable<GatewayInfo> Gateways => _snapshot.Gateways.Values;

    /// <summary>Whether the gateway may connect with this password.</summary>
    public bool Authenticate(string? gatewayId, string? secret) =>
        Gateway(gatewayId) is { Disabled: false } g && secret is { Length: > 0 and < 200 } && ApiKeys.Matches(secret, g.SecretHash);

    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var gateways = new Dictionary<string, GatewayInfo>(StringComparer.Ordinal);
            await using (var cmd = dataSource.CreateCommand("SELECT id, secret_hash, districts, disabled, mosquitto_hash FROM gateways"))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct)) gateways[r.GetString(0)] = new GatewayInfo(r.GetString(0), (byte[])r[1], (string[])r[2], r.GetBoolean(3), r.IsDBNull(4) ? null : r.GetString(4));
            }
            var devices = new Dictionary<string, DeviceInfo>(StringComparer.Ordinal);
            await using (var cmd = dataSource.CreateCommand(SqlFiles.Get("Ingestion/Sql/registry.sql")))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    devices[r.GetString(0)] = new DeviceInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                        r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(5) ? null : r.GetDouble(5));
                }
            }
            _snapshot = new Snapshot(gateways, devices);
            // An external Mosquitto learns the same gateways (every instance writes the same files).
            if (mosquitto.Managed) await mosquitto.WriteAsync(gateways.Values.Where(g => !g.Disabled).Select(g => (g.Id, g.MosquittoHash, g.Districts)), ct);
            log.LogInformation("Device registry loaded: {Gateways} gateways, {Devices} devices", gateways.Count, devices.Count);
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>Tells every instance (this one included) to reload; call after the change has committed.</summary>
    public async Task ChangedAsync(CancellationToken ct)
    {
        await ReloadAsync(ct);
        await using var cmd = dataSource.CreateCommand($"NOTIFY {Channel}");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PostgresListener.RunAsync(dataSource, Channel, _ => Task.Run(() => ReloadAsync(stoppingToken), stoppingToken), ReloadAsync, log, stoppingToken);
}
