using System.Globalization;
using System.Text.RegularExpressions;

namespace SpatialGrid.Core.Ogc;

/// <summary>The writer of CQL2 text: every binary operator in parentheses, so that the text parses back to the same tree.</summary>
public static partial class Cql2Text
{
    public static string Write(Cql2Expression e) => e switch
    {
        Cql2And a => $"({Write(a.Left)} AND {Write(a.Right)})",
        Cql2Or o => $"({Write(o.Left)} OR {Write(o.Right)})",
        Cql2Not n => $"NOT ({Write(n.Operand)})",
        Cql2Comparison c => $"{Name(c.Property)} {c.Operator} {Write(c.Value)}",
        Cql2Like l => $"{Name(l.Property)} LIKE {Quote(l.Pattern)}",
        Cql2In i => $"{Name(i.Property)} IN ({string.Join(", ", i.Values.Select(Write))})",
        Cql2Between b => $"{Name(b.Property)} BETWEEN {Write(b.Low)} AND {Write(b.High)}",
        Cql2IsNull n => $"{Name(n.Property)} IS NULL",
        Cql2SIntersects s => $"S_INTERSECTS({Name(s.Property)}, {Write(s.Geometry)})",
        Cql2TIntersects t => $"T_INTERSECTS({Name(t.Property)}, {Write(t.Time)})",
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    public static string Write(Cql2Literal l) => l switch
    {
        Cql2String s => Quote(s.Value),
        Cql2Number n => Number(n.Value),
        Cql2Boolean b => b.Value ? "TRUE" : "FALSE",
        Cql2Timestamp t => $"TIMESTAMP({Quote(Cql2Time.Write(t.Value))})",
        Cql2Date d => $"DATE({Quote(Cql2Time.Write(d.Value))})",
        Cql2Interval i => $"INTERVAL({Quote(i.Start is { } s ? Cql2Time.Write(s) : "..")}, {Quote(i.End is { } e ? Cql2Time.Write(e) : "..")})",
        _ => throw new ArgumentOutOfRangeException(nameof(l)),
    };

    public static string Write(Cql2Geometry g) => g switch
    {
        Cql2Bbox b => $"BBOX({Number(b.MinX)}, {Number(b.MinY)}, {Number(b.MaxX)}, {Number(b.MaxY)})",
        _ => Cql2Wkt.Write(g),
    };

    internal static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => $"'{s.Replace("'", "''")}'";

    private static readonly Regex Plain = new("^[A-Za-z_][A-Za-z0-9_]*$");

    private static string Name(Cql2Property p) =>
        Plain.IsMatch(p.Name) && !Keywords.Contains(p.Name.ToUpperInvariant()) ? p.Name : $"\"{p.Name.Replace("\"", "\"\"")}\"";
}
