using System.Text;

namespace SpatialGrid.Core.Ogc;

/// <summary>The type of a queryable, which decides the literals and operators it accepts.</summary>
public enum Cql2Type { String, Number, Integer, Boolean, Timestamp, Date, Geometry }

/// <summary>A property a filter may name: its type and the SQL expression (fixed by the service, never by a caller) it stands for.</summary>
public sealed record Cql2Queryable(string Name, Cql2Type Type, string Sql);

/// <summary>A filter as SQL: a condition whose every value is a parameter <c>@cql0</c>, <c>@cql1</c>, … in <see cref="Parameters"/>.</summary>
public sealed record Cql2Where(string Sql, IReadOnlyList<object> Parameters);

/// <summary>
/// Turns a <see cref="Cql2Expression"/> into a SQL condition over an allow-list of queryables: a property is only ever
/// replaced by its queryable's own SQL, a literal only ever becomes a parameter, so no text of the filter reaches the
/// SQL. A property that is not a queryable, or a literal of the wrong type for it, is refused with its position.
/// </summary>
public static class Cql2Sql
{
    public static bool TryTranslate(Cql2Expression expression, IReadOnlyCollection<Cql2Queryable> queryables, out Cql2Where? where, out Cql2Error? error)
    {
        var t = new Translator(queryables);
        var sql = new StringBuilder();
        where = t.Write(expression, sql) ? new Cql2Where(sql.ToString(), t.Parameters) : null;
        error = t.Error;
        return where is not null;
    }

    private sealed class Translator(IReadOnlyCollection<Cql2Queryable> queryables)
    {
        public List<object> Parameters { get; } = [];
        public Cql2Error? Error { get; private set; }

        private bool Fail(Cql2Property p, string message)
        {
            Error ??= new(p.Position > 0 ? p.Position : null, p.Position > 0 ? null : "the filter", $"'{p.Name}'", message);
            return false;
        }

        private string Parameter(object value)
        {
            Parameters.Add(value);
            return $"@cql{Parameters.Count - 1}";
        }

        private Cql2Queryable? Find(Cql2Property p)
        {
            var q = queryables.FirstOrDefault(x => x.Name == p.Name);
            if (q is null) Fail(p, $"not a queryable of this collection; the queryables are: {string.Join(", ", queryables.Select(x => x.Name))}");
            return q;
        }

        public bool Write(Cql2Expression e, StringBuilder sql)
        {
            switch (e)
            {
                case Cql2And a:
                    return Binary(a.Left, " AND ", a.Right, sql);
                case Cql2Or o:
                    return Binary(o.Left, " OR ", o.Right, sql);
                case Cql2Not n:
                    sql.Append("NOT (");
                    if (!Write(n.Operand, sql)) return false;
                    sql.Append(')');
                    return true;
                case Cql2Comparison c:
                    if (Find(c.Property) is not { } cq || Value(c.Property, cq, c.Value) is not { } cv) return false;
                    if (cq.Type == Cql2Type.Boolean && c.Operator is not ("=" or "<>")) return Fail(c.Property, $"a boolean is compared with = or <> only, not {c.Operator}");
                    sql.Append('(').Append(cq.Sql).Append(' ').Append(c.Operator).Append(' ').Append(cv).Append(')');
                    return true;
                case Cql2Like like:
                    if (Find(like.Property) is not { } lq) return false;
                    if (lq.Type != Cql2Type.String) return Fail(like.Property, $"LIKE applies to text; '{lq.Name}' is {Describe(lq.Type)}");
                    sql.Append('(').Append(lq.Sql).Append(" LIKE ").Append(Parameter(like.Pattern)).Append(')');
                    return true;
                case Cql2In i:
                    if (Find(i.Property) is not { } iq) return false;
                    var values = new List<string>();
                    foreach (var v in i.Values)
                    {
                        if (Value(i.Property, iq, v) is not { } p) return false;
                        values.Add(p);
                    }
                    sql.Append('(').Append(iq.Sql).Append(" IN (").Append(string.Join(", ", values)).Append("))");
                    return true;
                case Cql2Between b:
                    if (Find(b.Property) is not { } bq) return false;
                    if (bq.Type is Cql2Type.Boolean) return Fail(b.Property, "BETWEEN applies to numbers, text, dates and instants");
                    if (Value(b.Property, bq, b.Low) is not { } low || Value(b.Property, bq, b.High) is not { } high) return false;
                    sql.Append('(').Append(bq.Sql).Append(" BETWEEN ").Append(low).Append(" AND ").Append(high).Append(')');
                    return true;
                case Cql2IsNull isNull:
                    if (Find(isNull.Property) is not { } nq) return false;
                    sql.Append('(').Append(nq.Sql).Append(" IS NULL)");
                    return true;
                case Cql2SIntersects s:
                    if (Find(s.Property) is not { } sq) return false;
                    if (sq.Type != Cql2Type.Geometry) return Fail(s.Property, $"S_INTERSECTS applies to the geometry; '{sq.Name}' is {Describe(sq.Type)}");
                    if (Cql2Wkt.Problem(s.Geometry) is { } why) return Fail(s.Property, why);
                    sql.Append("ST_Intersects(").Append(sq.Sql).Append(", ST_GeomFromText(").Append(Parameter(Cql2Wkt.Write(s.Geometry))).Append(", 4326))");
                    return true;
                case Cql2TIntersects t:
                    if (Find(t.Property) is not { } tq) return false;
                    if (tq.Type is not (Cql2Type.Timestamp or Cql2Type.Date)) return Fail(t.Property, $"T_INTERSECTS applies to a date or instant; '{tq.Name}' is {Describe(tq.Type)}");
                    var (from, to) = t.Time switch
                    {
                        Cql2Timestamp ts => (ts.Value, ts.Value),
                        Cql2Date d => (Start(d.Value), Start(d.Value.AddDays(1)).AddTicks(-1)),
                        Cql2Interval iv => (iv.Start, iv.End),
                        _ => ((DateTimeOffset?)null, (DateTimeOffset?)null),
                    };
                    // A date property is compared by its day, an instant property by the instant.
                    object Bound(DateTimeOffset x) => tq.Type == Cql2Type.Date ? DateOnly.FromDateTime(x.UtcDateTime) : x;
                    sql.Append('(').Append(tq.Sql).Append(" IS NOT NULL");
                    if (from is { } f) sql.Append(" AND ").Append(tq.Sql).Append(" >= ").Append(Parameter(Bound(f)));
                    if (to is { } u) sql.Append(" AND ").Append(tq.Sql).Append(" <= ").Append(Parameter(Bound(u)));
                    sql.Append(')');
                    return true;
                default:
                    return false;
            }
        }

        private bool Binary(Cql2Expression left, string op, Cql2Expression right, StringBuilder sql)
        {
            sql.Append('(');
            if (!Write(left, sql)) return false;
            sql.Append(op);
            if (!Write(right, sql)) return false;
            sql.Append(')');
            return true;
        }

        private static DateTimeOffset Start(DateOnly d) => new(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        /// <summary>The literal as a parameter, if its type fits the queryable's.</summary>
        private string? Value(Cql2Property p, Cql2Queryable q, Cql2Literal literal)
        {
            object? value = (q.Type, literal) switch
            {
                (Cql2Type.String, Cql2String s) => s.Value,
                (Cql2Type.Number or Cql2Type.Integer, Cql2Number n) => n.Value,
                (Cql2Type.Boolean, Cql2Boolean b) => b.Value,
                (Cql2Type.Timestamp, Cql2Timestamp t) => t.Value,
                (Cql2Type.Timestamp, Cql2Date d) => Start(d.Value),
                (Cql2Type.Date, Cql2Date d) => d.Value,
                _ => null,
            };
            if (value is null)
            {
                Fail(p, q.Type == Cql2Type.Geometry
                    ? $"'{q.Name}' is the geometry: use S_INTERSECTS"
                    : $"'{q.Name}' is {Describe(q.Type)} and cannot be compared with {Cql2Text.Write(literal)}");
                return null;
            }
            return Parameter(value);
        }

        private static string Describe(Cql2Type t) => t switch
        {
            Cql2Type.String => "text",
            Cql2Type.Number => "a number",
            Cql2Type.Integer => "an integer",
            Cql2Type.Boolean => "a boolean",
            Cql2Type.Timestamp => "an instant (TIMESTAMP)",
            Cql2Type.Date => "a date (DATE)",
            _ => "the geometry",
        };
    }
}
