namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>One page of a list, with the total so clients can draw a pager.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>Paging limits shared by every list endpoint.</summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;
    public const int MaxPage = 1_000_000;

    public static string? Check(int? page, int? pageSize)
    {
        if (page is < 1) return $"page must be 1 or more, not {page}";
        // Past it the offset (page - 1) × pageSize would not fit the database's integer.
        if (page > MaxPage) return $"page must be at most {MaxPage:N0}, not {page:N0}";
        if (pageSize is < 1 or > MaxPageSize) return $"pageSize must be between 1 and {MaxPageSize}, not {pageSize}";
        return null;
    }
}
