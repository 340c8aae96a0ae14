using System.CommandLine;
using System.Text.RegularExpressions;

namespace SpatialGrid.Cli;

/// <summary>
/// The command line's own errors in words a user reads: System.CommandLine names the option's .NET type when a value does
/// not parse ("… as expected type 'System.Nullable`1[System.DateOnly]'"), which says what went wrong only to a programmer.
/// </summary>
public static partial class ParseErrors
{
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["System.Int32"] = "a whole number",
        ["System.Int64"] = "a whole number",
        ["System.Double"] = "a number (a dot for decimals, e.g. 2.5)",
        ["System.DateOnly"] = "a day as yyyy-MM-dd, e.g. 2026-11-29",
        ["System.DateTimeOffset"] = "a time as ISO 8601, e.g. 2026-11-29T08:00:00+08:00",
        ["System.Boolean"] = "true or false",
    };

    /// <summary>The message with a .NET type name replaced by what the option takes; other messages as they are.</summary>
    public static string Friendly(string message)
    {
        var m = TypeNamed().Match(message);
        if (!m.Success) return message;
        var type = m.Groups["type"].Value;
        var inner = NullableOf().Match(type) is { Success: true } n ? n.Groups["inner"].Value : type;
        return Expected.TryGetValue(inner, out var words) ? message[..m.Index] + ": expected " + words + "." : message;
    }

    /// <summary>Writes the parse errors, if any, in those words with a hint to the command's help, and returns 1; null when there are none.</summary>
    public static int? Report(ParseResult parsed, TextWriter error)
    {
        if (parsed.Errors.Count == 0) return null;
        foreach (var e in parsed.Errors) error.WriteLine(Friendly(e.Message));
        var command = string.Join(' ', CommandPath(parsed));
        error.WriteLine($"'{command} --help' lists the options and what they take.");
        return 1;
    }

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Parent is null ? "sgrid" : r.Command.Name);
        return names;
    }

    [GeneratedRegex(@" as expected type '(?<type>[^']+)'\.?$")]
    private static partial Regex TypeNamed();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>[^\]]+)\]$")]
    private static partial Regex NullableOf();
}
