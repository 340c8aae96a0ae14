using System.Globalization;

namespace SpatialGrid.Core.Ogc;

internal enum Cql2TokenKind { Word, QuotedName, String, Number, Symbol, End, Bad }

/// <summary>One token of CQL2 text, with its 1-based position and the text it was read from.</summary>
internal readonly record struct Cql2Token(Cql2TokenKind Kind, string Text, int Position, double Number = 0)
{
    public bool Is(string word) => Kind == Cql2TokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == Cql2TokenKind.Symbol && Text == symbol;

    /// <summary>The token as a refusal names it.</summary>
    public string Shown => Kind switch
    {
        Cql2TokenKind.End => "the end of the filter",
        Cql2TokenKind.String => $"'{Clip(Text)}'",
        Cql2TokenKind.QuotedName => $"\"{Clip(Text)}\"",
        _ => $"'{Clip(Text)}'",
    };

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}

/// <summary>Splits CQL2 text into tokens; never throws: what it cannot read becomes a <see cref="Cql2TokenKind.Bad"/> token.</summary>
internal static class Cql2Lexer
{
    public static List<Cql2Token> Read(string text)
    {
        var tokens = new List<Cql2Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) { tokens.Add(new(Cql2TokenKind.End, "", text.Length + 1)); return tokens; }
            var start = i;
            var c = text[i];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.' or ':')) i++;
                tokens.Add(new(Cql2TokenKind.Word, text[start..i], start + 1));
            }
            else if (c is '\'' or '"')
            {
                // A quote inside is written twice.
                var value = new System.Text.StringBuilder();
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    if (text[i] == c)
                    {
                        if (i + 1 < text.Length && text[i + 1] == c) { value.Append(c); i += 2; continue; }
                        i++;
                        closed = true;
                        break;
                    }
                    value.Append(text[i++]);
                }
                if (!closed) { tokens.Add(new(Cql2TokenKind.Bad, text[start..Math.Min(text.Length, start + 20)], start + 1)); return tokens; }
                tokens.Add(new(c == '\'' ? Cql2TokenKind.String : Cql2TokenKind.QuotedName, value.ToString(), start + 1));
            }
            else if (char.IsAsciiDigit(c) || ((c is '-' or '+' or '.') && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '.')))
            {
                if (c is '-' or '+') i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
                if (i < text.Length && text[i] is 'e' or 'E')
                {
                    var e = i + 1;
                    if (e < text.Length && text[e] is '+' or '-') e++;
                    if (e < text.Length && char.IsAsciiDigit(text[e]))
                    {
                        i = e;
                        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                    }
                }
                var literal = text[start..i];
                if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
                {
                    tokens.Add(new(Cql2TokenKind.Bad, literal, start + 1));
                    return tokens;
                }
                tokens.Add(new(Cql2TokenKind.Number, literal, start + 1, n));
            }
            else if (c is '<' or '>')
            {
                i++;
                if (i < text.Length && (text[i] == '=' || (c == '<' && text[i] == '>'))) i++;
                tokens.Add(new(Cql2TokenKind.Symbol, text[start..i], start + 1));
            }
            else if (c is '=' or '(' or ')' or ',')
            {
                i++;
                tokens.Add(new(Cql2TokenKind.Symbol, c.ToString(), start + 1));
            }
            else
            {
                // One whole character (a surrogate pair stays together) is named.
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
                tokens.Add(new(Cql2TokenKind.Bad, text.Substring(i, length), start + 1));
                return tokens;
            }
        }
    }
}
