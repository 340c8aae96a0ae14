using CsCheck;
using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Core.Tests.Ogc;

/// <summary>Random CQL2 trees of the subset SpatialGrid parses, for round-trip and robustness properties.</summary>
public static class Cql2Generators
{
    private static readonly Gen<string> Text = Gen.String[Gen.Char["abcXYZ 019'\"%_\\-.:()网格,=<>"], 0, 8];

    public static readonly Gen<Cql2Property> Property = Gen.OneOf(
        Gen.OneOf(Gen.Const("name"), Gen.Const("code"), Gen.Const("level"), Gen.Const("area_m2"), Gen.Const("valid_from"), Gen.Const("geometry")),
        Gen.String[Gen.Char["abz_09 网'\"AND"], 1, 6]).Select(n => new Cql2Property(n));

    private static readonly Gen<double> Number = Gen.OneOf(Gen.Double[-1e6, 1e6], Gen.Int[-1000, 1000].Select(i => (double)i), Gen.Double.Where(double.IsFinite));

    private static readonly Gen<DateTimeOffset> Instant = Gen.DateTime[new DateTime(1900, 1, 1), new DateTime(2200, 1, 1)]
        .Select(d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)));

    public static readonly Gen<Cql2Literal> Literal = Gen.OneOf<Cql2Literal>(
        Text.Select(s => (Cql2Literal)new Cql2String(s)),
        Number.Select(n => (Cql2Literal)new Cql2Number(n)),
        Gen.Bool.Select(b => (Cql2Literal)new Cql2Boolean(b)),
        Instant.Select(t => (Cql2Literal)new Cql2Timestamp(t)),
        Instant.Select(t => (Cql2Literal)new Cql2Date(DateOnly.FromDateTime(t.UtcDateTime))));

    private static readonly Gen<Cql2Literal> Temporal = Gen.OneOf<Cql2Literal>(
        Instant.Select(t => (Cql2Literal)new Cql2Timestamp(t)),
        Instant.Select(t => (Cql2Literal)new Cql2Date(DateOnly.FromDateTime(t.UtcDateTime))),
        Gen.Select(Gen.Nullable(Instant), Gen.Nullable(Instant), (a, b) => (Cql2Literal)new Cql2Interval(a, b)));

    private static readonly Gen<(double, double)> Position = Gen.Select(Gen.Double[-180, 180], Gen.Double[-90, 90]);

    public static readonly Gen<Cql2Geometry> Geometry = Gen.OneOf<Cql2Geometry>(
        Gen.Select(Gen.Double[-180, 180], Gen.Double[-90, 90], Gen.Double[-180, 180], Gen.Double[-90, 90], (a, b, c, d) => (Cql2Geometry)new Cql2Bbox(a, b, c, d)),
        Position.Select(p => (Cql2Geometry)new Cql2Point(p.Item1, p.Item2)),
        Position.Array[2, 6].Select(p => (Cql2Geometry)new Cql2LineString(p)),
        Position.Array[3, 6].Array[1, 2].Select(rings => (Cql2Geometry)new Cql2Polygon(rings.Select(r => (IReadOnlyList<(double, double)>)[.. r, r[0]]).ToList())));

    private static readonly Gen<Cql2Expression> Leaf = Gen.OneOf<Cql2Expression>(
        Gen.Select(Gen.OneOf(Cql2Comparison.Operators.Select(Gen.Const).ToArray()), Property, Literal, (op, p, v) => (Cql2Expression)new Cql2Comparison(op, p, v)),
        Gen.Select(Property, Text, (p, s) => (Cql2Expression)new Cql2Like(p, s)),
        Gen.Select(Property, Literal.Array[1, 4], (p, v) => (Cql2Expression)new Cql2In(p, v)),
        Gen.Select(Property, Literal, Literal, (p, a, b) => (Cql2Expression)new Cql2Between(p, a, b)),
        Property.Select(p => (Cql2Expression)new Cql2IsNull(p)),
        Gen.Select(Property, Geometry, (p, g) => (Cql2Expression)new Cql2SIntersects(p, g)),
        Gen.Select(Property, Temporal, (p, t) => (Cql2Expression)new Cql2TIntersects(p, t)));

    private static Gen<Cql2Expression> Tree(int depth)
    {
        if (depth == 0) return Leaf;
        var sub = Tree(depth - 1);
        return Gen.Frequency(
            (3, Leaf),
            (1, Gen.Select(sub, sub, (a, b) => (Cql2Expression)new Cql2And(a, b))),
            (1, Gen.Select(sub, sub, (a, b) => (Cql2Expression)new Cql2Or(a, b))),
            (1, sub.Select(a => (Cql2Expression)new Cql2Not(a))));
    }

    public static readonly Gen<Cql2Expression> Expression = Tree(4);
}
