namespace SpatialGrid.Core.Ogc;

/// <summary>
/// A CQL2 filter (OGC API – Features Part 3), the subset SpatialGrid answers: comparisons, AND/OR/NOT, LIKE, IN,
/// BETWEEN, IS NULL, S_INTERSECTS and T_INTERSECTS, always a property on the left and a literal on the right. Text
/// and JSON parse to this tree; <see cref="Cql2Sql"/> turns it into SQL over an allow-list of properties.
/// </summary>
public abstract record Cql2Expression;

public sealed record Cql2And(Cql2Expression Left, Cql2Expression Right) : Cql2Expression;

public sealed record Cql2Or(Cql2Expression Left, Cql2Expression Right) : Cql2Expression;

public sealed record Cql2Not(Cql2Expression Operand) : Cql2Expression;

/// <summary><c>property op literal</c> with op one of <see cref="Cql2Comparison.Operators"/>.</summary>
public sealed record Cql2Comparison(string Operator, Cql2Property Property, Cql2Literal Value) : Cql2Expression
{
    public static readonly string[] Operators = ["=", "<>", "<", "<=", ">", ">="];
}

/// <summary><c>property LIKE 'pattern'</c>: % any text, _ one character, \ escapes either.</summary>
public sealed record Cql2Like(Cql2Property Property, string Pattern) : Cql2Expression;

public sealed record Cql2In(Cql2Property Property, IReadOnlyList<Cql2Literal> Values) : Cql2Expression;

public sealed record Cql2Between(Cql2Property Property, Cql2Literal Low, Cql2Literal High) : Cql2Expression;

public sealed record Cql2IsNull(Cql2Property Property) : Cql2Expression;

public sealed record Cql2SIntersects(Cql2Property Property, Cql2Geometry Geometry) : Cql2Expression;

/// <summary><c>T_INTERSECTS(property, TIMESTAMP(…) | DATE(…) | INTERVAL(…))</c>.</summary>
public sealed record Cql2TIntersects(Cql2Property Property, Cql2Literal Time) : Cql2Expression;

/// <summary>A property by name; <see cref="Position"/> (1-based, 0 when unknown) lets a refusal point at it.</summary>
public sealed record Cql2Property(string Name, int Position = 0);

public abstract record Cql2Literal;

public sealed record Cql2String(string Value) : Cql2Literal;

public sealed record Cql2Number(double Value) : Cql2Literal;

public sealed record Cql2Boolean(bool Value) : Cql2Literal;

/// <summary>An instant, always UTC.</summary>
public sealed record Cql2Timestamp(DateTimeOffset Value) : Cql2Literal;

public sealed record Cql2Date(DateOnly Value) : Cql2Literal;

/// <summary>An interval of instants; a null end is open (<c>'..'</c>).</summary>
public sealed record Cql2Interval(DateTimeOffset? Start, DateTimeOffset? End) : Cql2Literal;

/// <summary>A geometry literal in CRS84 (lon, lat): a bbox, a point, a line string or a polygon.</summary>
public abstract record Cql2Geometry;

public sealed record Cql2Bbox(double MinX, double MinY, double MaxX, double MaxY) : Cql2Geometry;

public sealed record Cql2Point(double X, double Y) : Cql2Geometry;

public sealed record Cql2LineString(IReadOnlyList<(double X, double Y)> Points) : Cql2Geometry;

public sealed record Cql2Polygon(IReadOnlyList<IReadOnlyList<(double X, double Y)>> Rings) : Cql2Geometry;

/// <summary>
/// Why a filter was refused: where (a 1-based character <see cref="Position"/> in CQL2 text, or a JSON
/// <see cref="Path"/> in CQL2 JSON), the token found there, and what was expected.
/// </summary>
public sealed record Cql2Error(int? Position, string? Path, string Token, string Message)
{
    public string Detail => Position is { } p
        ? $"at position {p}, unexpected {Token}: {Message}"
        : $"at {Path ?? "$"}, unexpected {Token}: {Message}";
}
