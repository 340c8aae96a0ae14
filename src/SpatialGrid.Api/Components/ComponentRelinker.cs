using Npgsql;

namespace SpatialGrid.Api.Components;

/// <summary>Re-links every component to the new grid version inside the publish transaction, in one set-based statement.</summary>
public sealed class ComponentRelinker : Grids.IGridPublishListener
{
    public Task OnPublishedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        ComponentStore.AssignAsync(connection, transaction, null, ct);
}
