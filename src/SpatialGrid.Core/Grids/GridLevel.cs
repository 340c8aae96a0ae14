namespace SpatialGrid.Core.Grids;

/// <summary>The tiers of the net: district (big net), sub-district (middle net), community, responsibility grid (small net).</summary>
public enum GridLevel
{
    District = 1,
    SubDistrict = 2,
    Community = 3,
    Grid = 4,
}

/// <summary>Comprehensive grids tile space without overlaps; dedicated grids (towers, parks, schools, hospitals) lie over them.</summary>
public enum GridKind
{
    Comprehensive = 1,
    Dedicated = 2,
}

public static class GridLevels
{
    public static string Name(GridLevel level) => level switch
    {
        GridLevel.District => "district",
        GridLevel.SubDistrict => "subdistrict",
        GridLevel.Community => "community",
        _ => "grid",
    };

    public static bool TryParse(string? text, out GridLevel level)
    {
        level = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "district" or "1": level = GridLevel.District; return true;
            case "subdistrict" or "sub-district" or "street" or "2": level = GridLevel.SubDistrict; return true;
            case "community" or "3": level = GridLevel.Community; return true;
            case "grid" or "4": level = GridLevel.Grid; return true;
            default: return false;
        }
    }

    public static string Name(GridKind kind) => kind == GridKind.Dedicated ? "dedicated" : "comprehensive";

    public static bool TryParseKind(string? text, out GridKind kind)
    {
        kind = GridKind.Comprehensive;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "comprehensive": return true;
            case "dedicated": kind = GridKind.Dedicated; return true;
            default: return false;
        }
    }
}
