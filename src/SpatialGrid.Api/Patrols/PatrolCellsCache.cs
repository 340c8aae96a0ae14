using SpatialGrid.Api.Grids;
using SpatialGrid.Core.Grids;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>The cells visits are counted in, and the box fixes are checked against: built from the current grids.</summary>
public sealed record PatrolCellsSnapshot(PatrolCells Cells, IReadOnlyList<string> Codes, (double MinLon, double MinLat, double MaxLon, double MaxLat)? Area);

/// <summary>
/// Builds <see cref="PatrolCells"/> from the grid registry's snapshot when it changes (a publish in any instance): the
/// comprehensive responsibility grids (15 digits), or where a district has none, its deepest comprehensive grids.
/// </summary>
public sealed class PatrolCellsCache(GridRegistry grids)
{
    private GridSnapshot? _source;
    private PatrolCellsSnapshot _current = new(new PatrolCells([]), [], null);
    private readonly Lock _gate = new();

    public PatrolCellsSnapshot Current
    {
        get
        {
            var snapshot = grids.Current;
            if (ReferenceEquals(snapshot, Volatile.Read(ref _source))) return _current;
            lock (_gate)
            {
                if (ReferenceEquals(snapshot, _source)) return _current;
                _current = Build(snapshot);
                Volatile.Write(ref _source, snapshot);
                return _current;
            }
        }
    }

    private static PatrolCellsSnapshot Build(GridSnapshot snapshot)
    {
        var comprehensive = snapshot.Rows.Where(r => r.Kind == GridKind.Comprehensive).ToList();
        // Per district, its deepest level present: a district imported down to communities only still has cells.
        var cells = comprehensive.GroupBy(r => r.Code[..Math.Min(6, r.Code.Length)])
            .SelectMany(d => d.Where(r => r.Level == d.Max(x => x.Level)))
            .Select(r => (r.Code, r.Geometry)).ToList();
        var e = snapshot.Extent;
        return new PatrolCellsSnapshot(new PatrolCells(cells), cells.Select(c => c.Code).Order(StringComparer.Ordinal).ToList(),
            e.IsNull ? null : (e.MinX, e.MinY, e.MaxX, e.MaxY));
    }
}
