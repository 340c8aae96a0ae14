using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// CSV exports for a spreadsheet (RFC 4180, UTF-8 with a byte-order mark so that Excel reads Chinese names). Names
/// come from users: a cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
/// return) is written as text with a leading apostrophe, and a cell holding a comma, a quote or a line break is
/// quoted, so one cell never becomes several rows or columns.
/// </summary>
public static class CsvFile
{
    public static string Cell(object? v) => v switch
    {
        null => "",
        string s => Quoted(Inert(s)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quoted(Inert(v.ToString() ?? "")),
    };

    private static string Inert(string s) => s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : s;

    private static string Quoted(string s) => s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>Appends one record (cells written with <see cref="Cell"/>) ending in CRLF.</summary>
    public static StringBuilder Row(this StringBuilder csv, IEnumerable<object?> cells) => csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");

    public static FileContentHttpResult Result(StringBuilder csv, string fileName) =>
        TypedResults.File([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())], "text/csv; charset=utf-8", fileName);
}
