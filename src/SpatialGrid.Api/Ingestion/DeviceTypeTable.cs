using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SpatialGrid.Api.Data;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Ingestion;

/// <summary>The alert types of <c>sensors/device-types.csv</c>, checked against the taxonomy at start.</summary>
public sealed class DeviceTypeTable(IOptions<IngestionOptions> options, IServiceScopeFactory scopes, ILogger<DeviceTypeTable> log)
{
    private Dictionary<string, DeviceType> _types = new(StringComparer.Ordinal);

    public DeviceType? Find(string type) => _types.GetValueOrDefault(type);

    public IReadOnlyCollection<DeviceType> All => _types.Values;

    public async Task LoadAsync(CancellationToken ct)
    {
        var path = options.Value.DeviceTypesPath;
        if (!File.Exists(path)) throw new InvalidOperationException($"The alert type table {path} is missing (Ingestion:DeviceTypesPath)");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpatialGridDb>();
        var classes = (await db.Taxonomy.Select(t => t.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var (types, errors) = DeviceTypesCsv.Parse(await File.ReadAllTextAsync(path, ct), classes.Contains);
        if (errors.Count > 0) throw new InvalidOperationException($"{path}: {string.Join("; ", errors)}");
        _types = types;
        log.LogInformation("Alert types loaded from {Path}: {Count}", path, types.Count);
    }
}
