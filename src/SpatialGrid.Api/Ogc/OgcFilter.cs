using System.Linq.Expressions;
using Npgsql;
using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Api.Ogc;

/// <summary>
/// OGC API – Features Part 3 on the items endpoint: <c>filter</c> (CQL2 text or JSON, by <c>filter-lang</c>) over the
/// collection's queryables, and <c>sortby</c>. The filter becomes SQL in Core (<see cref="Cql2Sql"/>); here its values
/// become Npgsql parameters and its sort keys an EF ordering.
/// </summary>
public static class OgcFilter
{
    public const string Text = "cql2-text", Json = "cql2-json";

    /// <summary>The queryables of a collection: its properties with SQL, and its geometry.</summary>
    public static IReadOnlyList<Cql2Queryable> Queryables(IOgcCollection c) =>
        [.. c.Properties.Where(p => p.Sql is not null).Select(p => new Cql2Queryable(p.Name, p.Cql2Type, p.Sql!)), new("geometry", Cql2Type.Geometry, c.GeometrySql)];

    /// <summary>The filter and sort keys of a query string, or why they are refused (the position and token as the problem's members).</summary>
    internal static OgcRefusal? TryRead(IQueryCollection q, IOgcCollection collection, out Cql2Where? where, out IReadOnlyList<SortKey>? sortBy)
    {
        where = null;
        sortBy = null;
        if (q["filter"].FirstOrDefault() is { } filter)
        {
            var lang = q["filter-lang"].FirstOrDefault() ?? Text;
            if (lang is not (Text or Json)) return new OgcRefusal("bad-filter-lang", $"filter-lang is {Text} (the default) or {Json}");
            if (q["filter-crs"].FirstOrDefault() is { } crs && crs != OgcCrs.Crs84)
                return new OgcRefusal("unsupported-crs", $"filter-crs must be {OgcCrs.Crs84}: the geometries of a filter are lon/lat");
            Cql2Expression? expression;
            Cql2Error? error;
            var ok = lang == Json ? Cql2Json.TryParse(filter, out expression, out error) : Cql2Text.TryParse(filter, out expression, out error);
            if (!ok || !Cql2Sql.TryTranslate(expression!, Queryables(collection), out where, out error)) return Refusal("bad-filter", $"filter ({lang})", error!);
        }
        else if (q.ContainsKey("filter-lang") || q.ContainsKey("filter-crs"))
        {
            return new OgcRefusal("bad-filter", "filter-lang and filter-crs qualify a filter: give filter too, or leave them out");
        }
        if (q["sortby"].FirstOrDefault() is { } text)
        {
            var sortable = collection.Properties.Where(p => p.Sort is not null).Select(p => p.Name).ToList();
            if (!SortBy.TryParse(text, sortable, out var keys, out var error)) return Refusal("bad-sortby", "sortby", error!);
            sortBy = keys;
        }
        return null;
    }

    private static OgcRefusal Refusal(string kind, string what, Cql2Error error)
    {
        var members = new Dictionary<string, object?> { ["token"] = error.Token };
        if (error.Position is { } position) members["position"] = position;
        if (error.Path is { } path) members["path"] = path;
        return new(kind, $"{what}: {error.Detail}", members);
    }

    /// <summary>The filter's values as the parameters its SQL names (<c>@cql0</c>, …).</summary>
    public static object[] Parameters(Cql2Where where) =>
        where.Parameters.Select((v, i) => (object)new NpgsqlParameter($"cql{i}", v)).ToArray();

    /// <summary>The query ordered by the sort keys (each a queryable's entity member), or null when there are none.</summary>
    public static IOrderedQueryable<T>? Sort<T>(IQueryable<T> query, IReadOnlyList<SortKey>? keys, IReadOnlyList<OgcProperty> properties)
    {
        if (keys is not { Count: > 0 }) return null;
        IOrderedQueryable<T>? ordered = null;
        foreach (var key in keys)
        {
            var member = properties.First(p => p.Name == key.Property).Sort!;
            var x = Expression.Parameter(typeof(T), "x");
            var body = Expression.PropertyOrField(x, member);
            var method = (ordered is null, key.Descending) switch
            {
                (true, false) => nameof(Queryable.OrderBy),
                (true, true) => nameof(Queryable.OrderByDescending),
                (false, false) => nameof(Queryable.ThenBy),
                (false, true) => nameof(Queryable.ThenByDescending),
            };
            var call = Expression.Call(typeof(Queryable), method, [typeof(T), body.Type], (ordered ?? query).Expression, Expression.Quote(Expression.Lambda(body, x)));
            ordered = (IOrderedQueryable<T>)query.Provider.CreateQuery<T>(call);
        }
        return ordered;
    }
}
