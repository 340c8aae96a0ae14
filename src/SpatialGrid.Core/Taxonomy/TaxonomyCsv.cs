namespace SpatialGrid.Core.Taxonomy;

/// <summary>Reads the taxonomy seed (gis-data/taxonomy/classes.csv); every bad row is reported with its line number.</summary>
public static class TaxonomyCsv
{
    private static readonly string[] Columns =
    [
        "code", "kind", "major_code", "major_zh", "major_en", "name_zh", "name_en", "geometry", "unit_zh", "unit_en",
        "dispatch_value", "dispatch_clock", "arrival_value", "arrival_clock", "feedback_value", "feedback_clock", "close_value", "close_clock",
    ];

    public static (List<TaxonomyClass> Classes, List<string> Errors) Parse(string text)
    {
        var classes = new List<TaxonomyClass>();
        var errors = new List<string>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        if (lines.Length == 0 || lines[0].Trim() != string.Join(',', Columns))
        {
            errors.Add($"line 1: the header must be {string.Join(',', Columns)}");
            return (classes, errors);
        }
        var seen = new HashSet<string>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var f = line.Split(',');
            var n = i + 1;
            if (f.Length != Columns.Length) { errors.Add($"line {n}: {f.Length} fields, expected {Columns.Length}"); continue; }
            var kind = f[1] switch { "component" => ClassKind.Component, "event" => ClassKind.Event, _ => (ClassKind)0 };
            if (kind == 0) { errors.Add($"line {n}: kind '{f[1]}' is neither component nor event"); continue; }
            if (!IsClassCode(f[0], kind)) { errors.Add($"line {n}: code '{f[0]}' is not a {f[1]} class code ({(kind == ClassKind.Component ? "4 digits" : "E + 4 digits")})"); continue; }
            if (!seen.Add(f[0])) { errors.Add($"line {n}: code {f[0]} is repeated"); continue; }
            if (!ClockNames.TryParse(f[7], out GeometryKind geometry)) { errors.Add($"line {n}: geometry '{f[7]}' is not point, line, polygon or any"); continue; }
            var limits = new TimeLimit[4];
            string? limitError = null;
            for (var k = 0; k < 4 && limitError is null; k++)
            {
                if (!int.TryParse(f[10 + 2 * k], out var value) || value <= 0) limitError = $"{Columns[10 + 2 * k]} must be a positive whole number";
                else if (!ClockNames.TryParse(f[11 + 2 * k], out ClockKind clock)) limitError = $"{Columns[11 + 2 * k]} '{f[11 + 2 * k]}' is not a clock (minutes, round-the-clock-hours, working-hours, working-days, calendar-days)";
                else limits[k] = new TimeLimit(value, clock);
            }
            if (limitError is not null) { errors.Add($"line {n}: {limitError}"); continue; }
            classes.Add(new TaxonomyClass(f[0], kind, f[2], f[3], f[4], f[5], f[6], geometry, f[8], f[9], limits[0], limits[1], limits[2], limits[3]));
        }
        return (classes, errors);
    }

    public static bool IsClassCode(string code, ClassKind kind) => kind == ClassKind.Component
        ? code.Length == 4 && code.All(char.IsAsciiDigit)
        : code.Length == 5 && code[0] == 'E' && code[1..].All(char.IsAsciiDigit);
}
