using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpatialGrid.Core.Ogc;

/// <summary>
/// CQL2 JSON for the subset of <see cref="Cql2Expression"/>: <c>{"op": "and", "args": [...]}</c>, properties as
/// <c>{"property": "name"}</c>, instants as <c>{"timestamp": …}</c>, <c>{"date": …}</c>, <c>{"interval": [a, b]}</c>,
/// geometries as GeoJSON or <c>{"bbox": [...]}</c>. A refusal names the JSON path and what was found there.
/// </summary>
public static class Cql2Json
{
    private static readonly Dictionary<string, string> Comparisons = new() { ["="] = "=", ["<>"] = "<>", ["<"] = "<", ["<="] = "<=", [">"] = ">", [">="] = ">=" };

    public static bool TryParse(string text, out Cql2Expression? expression, out Cql2Error? error)
    {
        expression = null;
        error = null;
        if (text.Length > Cql2Text.MaxLength)
        {
            error = new(null, "$", "more text", $"a filter is at most {Cql2Text.MaxLength:N0} characters");
            return false;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = Cql2Text.MaxDepth * 3 });
        }
        catch (JsonException e)
        {
            error = new(null, $"line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}", "malformed JSON", e.Message.Split(" Path:")[0]);
            return false;
        }
        using (document)
        {
            var reader = new Reader();
            expression = reader.Expression(document.RootElement, "$", 0);
            error = reader.Error;
            return expression is not null;
        }
    }

    private sealed class Reader
    {
        public Cql2Error? Error { get; private set; }

        private T? Fail<T>(string path, JsonElement found, string expected) where T : class
        {
            var shown = found.ValueKind switch
            {
                JsonValueKind.Object => "an object",
                JsonValueKind.Array => "an array",
                JsonValueKind.Undefined => "nothing",
                _ => Clip(found.GetRawText()),
            };
            Error ??= new(null, path, shown, $"expected {expected}");
            return null;
        }

        private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;

        public Cql2Expression? Expression(JsonElement e, string path, int depth)
        {
            if (depth > Cql2Text.MaxDepth) return Fail<Cql2Expression>(path, e, $"at most {Cql2Text.MaxDepth} levels of nesting");
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
                return Fail<Cql2Expression>(path, e, "an object with \"op\" and \"args\"");
            var op = opElement.GetString()!;
            if (!e.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Array)
                return Fail<Cql2Expression>($"{path}.args", args, "an array of arguments");
            var a = args.EnumerateArray().ToList();
            string At(int i) => $"{path}.args[{i}]";
            bool Count(int n) => a.Count == n || Fail<object>($"{path}.args", args, $"{n} argument(s) for \"{op}\"") is not null;
            switch (op.ToLowerInvariant())
            {
                case "and" or "or":
                    if (a.Count < 2) return Fail<Cql2Expression>($"{path}.args", args, $"two arguments or more for \"{op}\"");
                    var left = Expression(a[0], At(0), depth + 1);
                    for (var i = 1; i < a.Count && left is not null; i++)
                        left = Expression(a[i], At(i), depth + 1) is { } right ? op.ToLowerInvariant() == "and" ? new Cql2And(left, right) : new Cql2Or(left, right) : null;
                    return left;
                case "not":
                    return Count(1) && Expression(a[0], At(0), depth + 1) is { } operand ? new Cql2Not(operand) : null;
                case var c when Comparisons.ContainsKey(c):
                    return Count(2) && Property(a[0], At(0)) is { } p && Literal(a[1], At(1)) is { } v ? new Cql2Comparison(Comparisons[c], p, v) : null;
                case "like":
                    if (!Count(2) || Property(a[0], At(0)) is not { } lp) return null;
                    return a[1].ValueKind == JsonValueKind.String ? new Cql2Like(lp, a[1].GetString()!) : Fail<Cql2Expression>(At(1), a[1], "a pattern string");
                case "in":
                    if (!Count(2) || Property(a[0], At(0)) is not { } ip) return null;
                    if (a[1].ValueKind != JsonValueKind.Array || a[1].GetArrayLength() is 0 or > Cql2Text.MaxListLength)
                        return Fail<Cql2Expression>(At(1), a[1], $"an array of 1 to {Cql2Text.MaxListLength} literals");
                    var values = new List<Cql2Literal>();
                    foreach (var (item, i) in a[1].EnumerateArray().Select((x, i) => (x, i)))
                    {
                        if (Literal(item, $"{At(1)}[{i}]") is not { } lit) return null;
                        values.Add(lit);
                    }
                    return new Cql2In(ip, values);
                case "between":
                    return Count(3) && Property(a[0], At(0)) is { } bp && Literal(a[1], At(1)) is { } low && Literal(a[2], At(2)) is { } high
                        ? new Cql2Between(bp, low, high) : null;
                case "isnull":
                    return Count(1) && Property(a[0], At(0)) is { } np ? new Cql2IsNull(np) : null;
                case "s_intersects":
                    return Count(2) && Property(a[0], At(0)) is { } sp && Geometry(a[1], At(1)) is { } g ? new Cql2SIntersects(sp, g) : null;
                case "t_intersects":
                    return Count(2) && Property(a[0], At(0)) is { } tp && Temporal(a[1], At(1)) is { } t ? new Cql2TIntersects(tp, t) : null;
                default:
                    return Fail<Cql2Expression>($"{path}.op", opElement,
                        "one of and, or, not, =, <>, <, <=, >, >=, like, in, between, isNull, s_intersects, t_intersects");
            }
        }

        private Cql2Property? Property(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty("property", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n
                ? new Cql2Property(n) : Fail<Cql2Property>(path, e, "{\"property\": \"name\"}");

        private Cql2Literal? Literal(JsonElement e, string path)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String: return new Cql2String(e.GetString()!);
                case JsonValueKind.Number: return e.TryGetDouble(out var d) && double.IsFinite(d) ? new Cql2Number(d) : Fail<Cql2Literal>(path, e, "a finite number");
                case JsonValueKind.True or JsonValueKind.False: return new Cql2Boolean(e.GetBoolean());
                case JsonValueKind.Object when e.TryGetProperty("timestamp", out _) || e.TryGetProperty("date", out _): return Temporal(e, path);
                default: return Fail<Cql2Literal>(path, e, "a string, number, boolean, {\"timestamp\": …} or {\"date\": …}");
            }
        }

        private Cql2Literal? Temporal(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("timestamp", out var ts))
                    return ts.ValueKind == JsonValueKind.String && Cql2Time.TryTimestamp(ts.GetString()!, out var t) ? new Cql2Timestamp(t)
                        : Fail<Cql2Literal>($"{path}.timestamp", ts, "an RFC 3339 instant such as \"2024-05-01T08:00:00Z\"");
                if (e.TryGetProperty("date", out var ds))
                    return ds.ValueKind == JsonValueKind.String && Cql2Time.TryDate(ds.GetString()!, out var d) ? new Cql2Date(d)
                        : Fail<Cql2Literal>($"{path}.date", ds, "a date as \"YYYY-MM-DD\"");
                if (e.TryGetProperty("interval", out var iv))
                {
                    if (iv.ValueKind != JsonValueKind.Array || iv.GetArrayLength() != 2) return Fail<Cql2Literal>($"{path}.interval", iv, "an array of two instants");
                    var bounds = new DateTimeOffset?[2];
                    for (var i = 0; i < 2; i++)
                    {
                        var b = iv[i];
                        if (b.ValueKind == JsonValueKind.String && b.GetString() == "..") continue;
                        if (b.ValueKind != JsonValueKind.String || !Cql2Time.TryInstant(b.GetString()!, out var v))
                            return Fail<Cql2Literal>($"{path}.interval[{i}]", b, "an instant, a date or \"..\"");
                        bounds[i] = v;
                    }
                    return new Cql2Interval(bounds[0], bounds[1]);
                }
            }
            return Fail<Cql2Literal>(path, e, "{\"timestamp\": …}, {\"date\": …} or {\"interval\": [a, b]}");
        }

        private Cql2Geometry? Geometry(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object) return Fail<Cql2Geometry>(path, e, "a GeoJSON Point, LineString or Polygon, or {\"bbox\": [...]}");
            if (e.TryGetProperty("bbox", out var bbox))
                return Numbers(bbox, $"{path}.bbox", 4) is { } n ? new Cql2Bbox(n[0], n[1], n[2], n[3]) : null;
            if (!e.TryGetProperty("type", out var type) || !e.TryGetProperty("coordinates", out var coordinates))
                return Fail<Cql2Geometry>(path, e, "a GeoJSON Point, LineString or Polygon, or {\"bbox\": [...]}");
            var at = $"{path}.coordinates";
            switch (type.ValueKind == JsonValueKind.String ? type.GetString() : null)
            {
                case "Point": return Numbers(coordinates, at, 2) is { } p ? new Cql2Point(p[0], p[1]) : null;
                case "LineString": return Positions(coordinates, at) is { } l ? new Cql2LineString(l) : null;
                case "Polygon":
                    if (coordinates.ValueKind != JsonValueKind.Array || coordinates.GetArrayLength() == 0) return Fail<Cql2Geometry>(at, coordinates, "an array of rings");
                    var rings = new List<IReadOnlyList<(double, double)>>();
                    foreach (var (ring, i) in coordinates.EnumerateArray().Select((r, i) => (r, i)))
                    {
                        if (Positions(ring, $"{at}[{i}]") is not { } r) return null;
                        rings.Add(r);
                    }
                    return new Cql2Polygon(rings);
                default: return Fail<Cql2Geometry>($"{path}.type", type, "\"Point\", \"LineString\" or \"Polygon\"");
            }
        }

        private List<(double, double)>? Positions(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() is 0 or > Cql2Text.MaxVertices)
                return Fail<List<(double, double)>>(path, e, $"an array of 1 to {Cql2Text.MaxVertices} positions");
            var points = new List<(double, double)>();
            foreach (var (p, i) in e.EnumerateArray().Select((p, i) => (p, i)))
            {
                if (Numbers(p, $"{path}[{i}]", 2) is not { } n) return null;
                points.Add((n[0], n[1]));
            }
            return points;
        }

        private double[]? Numbers(JsonElement e, string path, int count)
        {
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != count) return Fail<double[]>(path, e, $"an array of {count} numbers");
            var n = new double[count];
            for (var i = 0; i < count; i++)
                if (e[i].ValueKind != JsonValueKind.Number || !e[i].TryGetDouble(out n[i]) || !double.IsFinite(n[i])) return Fail<double[]>($"{path}[{i}]", e[i], "a finite number");
            return n;
        }
    }

    public static string Write(Cql2Expression e) => Node(e).ToJsonString();

    private static JsonObject Op(string op, params JsonNode?[] args) => new() { ["op"] = op, ["args"] = new JsonArray(args) };

    private static JsonObject Node(Cql2Expression e) => e switch
    {
        Cql2And a => Op("and", Node(a.Left), Node(a.Right)),
        Cql2Or o => Op("or", Node(o.Left), Node(o.Right)),
        Cql2Not n => Op("not", Node(n.Operand)),
        Cql2Comparison c => Op(c.Operator, Name(c.Property), Node(c.Value)),
        Cql2Like l => Op("like", Name(l.Property), l.Pattern),
        Cql2In i => Op("in", Name(i.Property), new JsonArray(i.Values.Select(Node).ToArray())),
        Cql2Between b => Op("between", Name(b.Property), Node(b.Low), Node(b.High)),
        Cql2IsNull n => Op("isNull", Name(n.Property)),
        Cql2SIntersects s => Op("s_intersects", Name(s.Property), Node(s.Geometry)),
        Cql2TIntersects t => Op("t_intersects", Name(t.Property), Node(t.Time)),
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    private static JsonObject Name(Cql2Property p) => new() { ["property"] = p.Name };

    private static JsonNode Node(Cql2Literal l) => l switch
    {
        Cql2String s => JsonValue.Create(s.Value),
        Cql2Number n => JsonValue.Create(n.Value),
        Cql2Boolean b => JsonValue.Create(b.Value),
        Cql2Timestamp t => new JsonObject { ["timestamp"] = Cql2Time.Write(t.Value) },
        Cql2Date d => new JsonObject { ["date"] = Cql2Time.Write(d.Value) },
        Cql2Interval i => new JsonObject { ["interval"] = new JsonArray(i.Start is { } s ? Cql2Time.Write(s) : "..", i.End is { } e ? Cql2Time.Write(e) : "..") },
        _ => throw new ArgumentOutOfRangeException(nameof(l)),
    };

    private static JsonArray Pos((double X, double Y) p) => new(p.X, p.Y);

    private static JsonObject Node(Cql2Geometry g) => g switch
    {
        Cql2Bbox b => new JsonObject { ["bbox"] = new JsonArray(b.MinX, b.MinY, b.MaxX, b.MaxY) },
        Cql2Point p => new JsonObject { ["type"] = "Point", ["coordinates"] = Pos((p.X, p.Y)) },
        Cql2LineString l => new JsonObject { ["type"] = "LineString", ["coordinates"] = new JsonArray(l.Points.Select(p => (JsonNode)Pos(p)).ToArray()) },
        Cql2Polygon p => new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(p.Rings.Select(r => (JsonNode)new JsonArray(r.Select(x => (JsonNode)Pos(x)).ToArray())).ToArray()),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(g)),
    };
}
