namespace SpatialGrid.Api.Maps;

/// <summary>
/// A tile's query string as a layer understood it: the SQL parameters it binds, the canonical form of the whole
/// query (defaults filled in; part of the cache key and the ETag, so tiles of two periods never share either) and
/// the canonical form of what the caller gave (what a TileJSON carries on its tiles URL, so defaults such as
/// "the past 30 days" keep moving with the clock).
/// </summary>
public sealed record TileQuery(string Key, string Given, IReadOnlyList<KeyValuePair<string, object>> Values)
{
    /// <summary>The query of a layer that takes none.</summary>
    public static readonly TileQuery None = new("", "", []);
}

/// <summary>Why a query string was refused: a stable problem type and a sentence naming the parameter and what it should be.</summary>
public sealed record TileQueryProblem(string Kind, string Detail);

/// <summary>The parameters a layer's tiles take (name → what it means, for the TileJSON) and the parser that checks them together.</summary>
public sealed record TileParameters(IReadOnlyDictionary<string, string> Described, Func<IQueryCollection, DateTimeOffset, TimeSpan, (TileQuery? Query, TileQueryProblem? Problem)> Parse);
