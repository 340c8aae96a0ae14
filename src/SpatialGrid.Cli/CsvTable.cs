using System.Text;

namespace SpatialGrid.Cli;

/// <summary>
/// A CSV file read as a header and rows, each row with its line number so that a problem can name where it is.
/// Comma-separated, optional double quotes (a doubled quote inside is a quote), a UTF-8 BOM skipped, blank lines
/// skipped. Header names are matched without regard to case.
/// </summary>
public sealed class CsvTable
{
    public required string[] Header { get; init; }
    public required List<(int Line, string[] Cells)> Rows { get; init; }

    /// <summary>The index of a column, or -1 when the header has none of that name.</summary>
    public int Column(string name) => Array.FindIndex(Header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The names among <paramref name="required"/> the header lacks.</summary>
    public string[] Missing(params string[] required) => required.Where(r => Column(r) < 0).ToArray();

    /// <summary>A cell, or null when the row is shorter or the cell is empty.</summary>
    public static string? Cell(string[] cells, int column) =>
        column >= 0 && column < cells.Length && cells[column].Trim() is { Length: > 0 } v ? v : null;

    public static CsvTable Read(string path)
    {
        var rows = new List<(int, string[])>();
        string[]? header = null;
        var line = 0;
        foreach (var text in File.ReadLines(path, Encoding.UTF8))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var cells = Split(text.TrimStart('\uFEFF'));
            if (header is null) header = cells.Select(c => c.Trim()).ToArray();
            else rows.Add((line, cells));
        }
        return new CsvTable { Header = header ?? [], Rows = rows };
    }

    private static string[] Split(string text)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells.ToArray();
    }
}
