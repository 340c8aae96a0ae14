namespace SpatialGrid.Core.Ogc;

/// <summary>
/// CQL2 text: a recursive-descent parser for the subset of <see cref="Cql2Expression"/> and a writer whose output
/// parses back to the same tree. Anything outside the grammar is refused with the position and the token found
/// there; nothing here throws on any input.
/// <code>
/// or        := and { OR and }
/// and       := not { AND not }
/// not       := NOT not | '(' or ')' | predicate
/// predicate := property ( op literal | [NOT] LIKE string | [NOT] BETWEEN literal AND literal
///                       | [NOT] IN '(' literal { ',' literal } ')' | IS [NOT] NULL )
///            | S_INTERSECTS '(' property ',' geometry ')' | T_INTERSECTS '(' property ',' temporal ')'
/// literal   := string | number | TRUE | FALSE | TIMESTAMP(string) | DATE(string)
/// geometry  := BBOX(n, n, n, n) | POINT(x y) | LINESTRING(x y, …) | POLYGON((x y, …), …)
/// temporal  := TIMESTAMP(string) | DATE(string) | INTERVAL(string, string)   ('..' for an open end)
/// </code>
/// </summary>
public static partial class Cql2Text
{
    /// <summary>Longer filters are refused before they are read; deeper nesting is refused as it is met.</summary>
    public const int MaxLength = 20_000, MaxDepth = 64, MaxListLength = 1_000, MaxVertices = 10_000;

    private static readonly string[] Keywords =
        ["AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE", "S_INTERSECTS", "T_INTERSECTS", "TIMESTAMP", "DATE", "INTERVAL",
         "BBOX", "POINT", "LINESTRING", "POLYGON"];

    public static bool TryParse(string text, out Cql2Expression? expression, out Cql2Error? error)
    {
        expression = null;
        if (text.Length > MaxLength)
        {
            error = new(MaxLength + 1, null, "more text", $"a filter is at most {MaxLength:N0} characters");
            return false;
        }
        var parser = new Parser(Cql2Lexer.Read(text));
        expression = parser.Whole();
        error = parser.Error;
        return expression is not null;
    }

    private sealed class Parser(List<Cql2Token> tokens)
    {
        private int _next, _depth;
        public Cql2Error? Error { get; private set; }

        private Cql2Token Peek => tokens[Math.Min(_next, tokens.Count - 1)];

        private Cql2Token Take() => tokens[Math.Min(_next++, tokens.Count - 1)];

        private T? Fail<T>(string expected, Cql2Token? at = null) where T : class
        {
            var token = at ?? Peek;
            Error ??= new(token.Position, null, token.Kind == Cql2TokenKind.Bad ? $"character(s) '{token.Text}'" : token.Shown, $"expected {expected}");
            return null;
        }

        private bool Expect(string symbol)
        {
            if (Peek.IsSymbol(symbol)) { _next++; return true; }
            Fail<object>($"'{symbol}'");
            return false;
        }

        private bool ExpectWord(string word)
        {
            if (Peek.Is(word)) { _next++; return true; }
            Fail<object>(word);
            return false;
        }

        public Cql2Expression? Whole()
        {
            var e = Or();
            if (e is null) return null;
            return Peek.Kind == Cql2TokenKind.End ? e : Fail<Cql2Expression>("AND, OR or the end of the filter");
        }

        private Cql2Expression? Or()
        {
            if (++_depth > MaxDepth) return Fail<Cql2Expression>($"at most {MaxDepth} levels of nesting");
            var left = And();
            while (left is not null && Peek.Is("OR"))
            {
                _next++;
                left = And() is { } right ? new Cql2Or(left, right) : null;
            }
            _depth--;
            return left;
        }

        private Cql2Expression? And()
        {
            var left = Not();
            while (left is not null && Peek.Is("AND"))
            {
                _next++;
                left = Not() is { } right ? new Cql2And(left, right) : null;
            }
            return left;
        }

        private Cql2Expression? Not()
        {
            if (Peek.Is("NOT"))
            {
                _next++;
                if (++_depth > MaxDepth) return Fail<Cql2Expression>($"at most {MaxDepth} levels of nesting");
                var operand = Not();
                _depth--;
                return operand is null ? null : new Cql2Not(operand);
            }
            if (Peek.IsSymbol("("))
            {
                _next++;
                var inner = Or();
                return inner is not null && Expect(")") ? inner : null;
            }
            return Predicate();
        }

        private Cql2Expression? Predicate()
        {
            var t = Peek;
            if (t.Is("S_INTERSECTS") || t.Is("T_INTERSECTS"))
            {
                _next++;
                if (!Expect("(") || Property() is not { } p || !Expect(",")) return null;
                Cql2Expression? e = t.Is("S_INTERSECTS")
                    ? Geometry() is { } g ? new Cql2SIntersects(p, g) : null
                    : Temporal() is { } time ? new Cql2TIntersects(p, time) : null;
                return e is not null && Expect(")") ? e : null;
            }
            if (Property() is not { } property) return null;
            var op = Peek;
            if (op.Kind == Cql2TokenKind.Symbol && Cql2Comparison.Operators.Contains(op.Text))
            {
                _next++;
                return Literal() is { } value ? new Cql2Comparison(op.Text, property, value) : null;
            }
            if (op.Is("IS"))
            {
                _next++;
                var negated = Peek.Is("NOT");
                if (negated) _next++;
                if (!ExpectWord("NULL")) return null;
                return negated ? new Cql2Not(new Cql2IsNull(property)) : new Cql2IsNull(property);
            }
            var not = op.Is("NOT");
            if (not) _next++;
            Cql2Expression? predicate;
            if (Peek.Is("LIKE"))
            {
                _next++;
                var pattern = Take();
                predicate = pattern.Kind == Cql2TokenKind.String ? new Cql2Like(property, pattern.Text) : Fail<Cql2Expression>("a 'quoted' pattern", pattern);
            }
            else if (Peek.Is("BETWEEN"))
            {
                _next++;
                predicate = Literal() is { } low && ExpectWord("AND") && Literal() is { } high ? new Cql2Between(property, low, high) : null;
            }
            else if (Peek.Is("IN"))
            {
                _next++;
                predicate = Expect("(") && List(Literal) is { } values && Expect(")") ? new Cql2In(property, values) : null;
            }
            else
            {
                predicate = Fail<Cql2Expression>(not ? "LIKE, BETWEEN or IN" : "a comparison (=, <>, <, <=, >, >=), LIKE, BETWEEN, IN or IS NULL");
            }
            return not && predicate is not null ? new Cql2Not(predicate) : predicate;
        }

        private List<T>? List<T>(Func<T?> item, int max = MaxListLength) where T : class
        {
            var items = new List<T>();
            while (true)
            {
                if (items.Count == max) return Fail<List<T>>($"at most {max:N0} values in a list");
                if (item() is not { } x) return null;
                items.Add(x);
                if (!Peek.IsSymbol(",")) return items;
                _next++;
            }
        }

        private Cql2Property? Property()
        {
            var t = Peek;
            if (t.Kind == Cql2TokenKind.QuotedName || (t.Kind == Cql2TokenKind.Word && !Keywords.Contains(t.Text.ToUpperInvariant())))
            {
                _next++;
                return new Cql2Property(t.Text, t.Position);
            }
            return Fail<Cql2Property>("a property name");
        }

        private Cql2Literal? Literal()
        {
            var t = Peek;
            switch (t.Kind)
            {
                case Cql2TokenKind.String: _next++; return new Cql2String(t.Text);
                case Cql2TokenKind.Number: _next++; return new Cql2Number(t.Number);
                case Cql2TokenKind.Word when t.Is("TRUE") || t.Is("FALSE"): _next++; return new Cql2Boolean(t.Is("TRUE"));
                case Cql2TokenKind.Word when t.Is("TIMESTAMP") || t.Is("DATE"): return Temporal();
                default: return Fail<Cql2Literal>("a literal: 'text', a number, TRUE, FALSE, TIMESTAMP('…') or DATE('…')");
            }
        }

        private Cql2Literal? Temporal()
        {
            var t = Take();
            if (!(t.Is("TIMESTAMP") || t.Is("DATE") || t.Is("INTERVAL"))) return Fail<Cql2Literal>("TIMESTAMP('…'), DATE('…') or INTERVAL('…', '…')", t);
            if (!Expect("(")) return null;
            Cql2Literal? value;
            if (t.Is("INTERVAL"))
            {
                var (okStart, start) = Bound();
                if (!okStart || !Expect(",")) return null;
                var (okEnd, end) = Bound();
                if (!okEnd) return null;
                value = new Cql2Interval(start, end);
            }
            else
            {
                var s = Take();
                value = s.Kind != Cql2TokenKind.String ? Fail<Cql2Literal>("a 'quoted' instant", s)
                    : t.Is("DATE") ? Cql2Time.TryDate(s.Text, out var d) ? new Cql2Date(d) : Fail<Cql2Literal>("a date as 'YYYY-MM-DD'", s)
                    : Cql2Time.TryTimestamp(s.Text, out var ts) ? new Cql2Timestamp(ts) : Fail<Cql2Literal>("an RFC 3339 instant such as '2024-05-01T08:00:00Z'", s);
            }
            return value is not null && Expect(")") ? value : null;
        }

        private (bool Ok, DateTimeOffset? Value) Bound()
        {
            var s = Take();
            if (s.Kind == Cql2TokenKind.String && s.Text == "..") return (true, null);
            if (s.Kind == Cql2TokenKind.String && Cql2Time.TryInstant(s.Text, out var v)) return (true, v);
            Fail<object>("a 'quoted' instant or date, or '..' for an open end", s);
            return (false, null);
        }

        private Cql2Geometry? Geometry()
        {
            var t = Take();
            if (t.Is("BBOX"))
            {
                if (!Expect("(") || List(NumberBox) is not { } n || !Expect(")")) return null;
                return n.Count == 4 ? new Cql2Bbox(n[0].V, n[1].V, n[2].V, n[3].V) : Fail<Cql2Geometry>("four numbers in BBOX (minx, miny, maxx, maxy)", t);
            }
            if (t.Is("POINT"))
                return Expect("(") && Position() is { } p && Expect(")") ? new Cql2Point(p.V.X, p.V.Y) : null;
            if (t.Is("LINESTRING"))
                return Expect("(") && Positions() is { } line && Expect(")") ? new Cql2LineString(line) : null;
            if (t.Is("POLYGON"))
            {
                if (!Expect("(")) return null;
                var rings = List(() => Expect("(") && Positions() is { } ring && Expect(")") ? new Box<IReadOnlyList<(double, double)>>(ring) : null);
                return rings is not null && Expect(")") ? new Cql2Polygon(rings.Select(r => r.V).ToList()) : null;
            }
            return Fail<Cql2Geometry>("BBOX(…), POINT(…), LINESTRING(…) or POLYGON(…)", t);
        }

        private IReadOnlyList<(double, double)>? Positions() => List(Position, MaxVertices)?.Select(p => p.V).ToList();

        private Box<(double X, double Y)>? Position() =>
            NumberBox() is { } x && NumberBox() is { } y ? new Box<(double, double)>((x.V, y.V)) : null;

        private Box<double>? NumberBox()
        {
            var t = Peek;
            if (t.Kind != Cql2TokenKind.Number) return Fail<Box<double>>("a number");
            _next++;
            return new Box<double>(t.Number);
        }
    }

    /// <summary>A value in a class, so that the parser's "null means refused" holds for value types too.</summary>
    private sealed record Box<T>(T V);
}
