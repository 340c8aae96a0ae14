using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using NetTopologySuite.IO;

namespace SpatialGrid.Cli;

/// <summary>One GPS fix read from a file; <see cref="Origin"/> says where it came from ("line 12", "point 5") for refusals.</summary>
public sealed record PatrolFix(string Worker, DateTimeOffset T, double Lon, double Lat,
    double? Accuracy = null, double? Speed = null, double? Heading = null, double? Battery = null, string? Origin = null);

/// <summary>
/// Reads the fixes of a GPX 1.1 track or a CSV file (<c>worker,t,lon,lat[,accuracy,speed,heading,battery]</c>). A file
/// that cannot be used gives a list of problems, each naming where it is, and no fixes: nothing half-read is sent.
/// </summary>
public static partial class PatrolFixFiles
{
    public sealed record Read(List<PatrolFix> Fixes, List<string> Problems);

    private static readonly string[] Optional = ["accuracy", "speed", "heading", "battery"];

    public static Read FromFile(FileInfo file, string? worker) =>
        file.Extension.ToLowerInvariant() switch
        {
            ".gpx" => FromGpx(file, worker),
            ".csv" => FromCsv(file, worker),
            _ => new([], [$"{file.Name}: a .gpx or .csv file is expected, not '{file.Extension}'"]),
        };

    public static Read FromGpx(FileInfo file, string? worker)
    {
        if (string.IsNullOrWhiteSpace(worker)) return new([], ["a GPX track has no worker: give --worker ID"]);
        GpxFile gpx;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit };
            using (var sniff = XmlReader.Create(file.FullName, settings))
            {
                sniff.MoveToContent();
                if (sniff.LocalName != "gpx") return new([], [$"{file.Name} is not a GPX file: its root element is <{sniff.LocalName}>, not <gpx>"]);
            }
            // A reader of its own: GpxFile.ReadFrom expects one that has not reached the root element yet.
            using var reader = XmlReader.Create(file.FullName, settings);
            gpx = GpxFile.ReadFrom(reader, new GpxReaderSettings { IgnoreVersionAttribute = true });
        }
        catch (Exception e) when (e is XmlException or InvalidDataException or FormatException or ArgumentException or InvalidOperationException)
        {
            return new([], [$"{file.Name} is not a readable GPX file: {e.Message}"]);
        }
        var fixes = new List<PatrolFix>();
        var untimed = new List<string>();
        var points = 0;
        for (var t = 0; t < gpx.Tracks.Count; t++)
        {
            for (var s = 0; s < gpx.Tracks[t].Segments.Length; s++)
            {
                var waypoints = gpx.Tracks[t].Segments[s].Waypoints;
                for (var p = 0; p < waypoints.Count; p++)
                {
                    points++;
                    var w = waypoints[p];
                    var origin = $"track {t + 1}, segment {s + 1}, point {p + 1}";
                    if (w.TimestampUtc is not { } time) { untimed.Add(origin); continue; }
                    fixes.Add(new PatrolFix(worker, new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)), w.Longitude, w.Latitude, Origin: origin));
                }
            }
        }
        if (points == 0)
            return new([], [$"{file.Name} holds no track points (<trk><trkseg><trkpt>){(gpx.Waypoints.Count + gpx.Routes.Count > 0 ? "; waypoints and routes are not a patrol's track" : "")}"]);
        if (untimed.Count > 0)
            return new([], [$"{untimed.Count:N0} of {points:N0} track points have no <time> (first: {string.Join("; ", untimed.Take(3))}); a fix needs the moment it was taken"]);
        return new(fixes, []);
    }

    public static Read FromCsv(FileInfo file, string? worker)
    {
        var table = CsvTable.Read(file.FullName);
        if (table.Header.Length == 0) return new([], [$"{file.Name} is empty: a header worker,t,lon,lat[,accuracy,speed,heading,battery] is expected"]);
        var missing = table.Missing("t", "lon", "lat").ToList();
        if (table.Column("worker") < 0 && string.IsNullOrWhiteSpace(worker)) missing.Insert(0, "worker (or give --worker ID)");
        if (missing.Count > 0)
            return new([], [$"{file.Name} lacks the column(s) {string.Join(", ", missing)}; its header has: {string.Join(", ", table.Header)}"]);

        var (cw, ct, cx, cy) = (table.Column("worker"), table.Column("t"), table.Column("lon"), table.Column("lat"));
        var optional = Optional.Select(table.Column).ToArray();
        var fixes = new List<PatrolFix>(table.Rows.Count);
        var problems = new List<string>();
        foreach (var (line, cells) in table.Rows)
        {
            var before = problems.Count;
            var who = CsvTable.Cell(cells, cw) ?? worker;
            if (string.IsNullOrWhiteSpace(who)) { problems.Add($"line {line}, column worker: empty (give --worker ID to fill it)"); continue; }
            var time = CsvTable.Cell(cells, ct);
            if (!TryTime(time, out var t))
            {
                problems.Add($"line {line}, column t: '{time}' is not a time with an offset (e.g. 2026-11-24T10:00:00+08:00 or 2026-11-24T02:00:00Z)");
                continue;
            }
            var lon = Number(line, "lon", CsvTable.Cell(cells, cx), problems, required: true);
            var lat = Number(line, "lat", CsvTable.Cell(cells, cy), problems, required: true);
            var values = Optional.Select((name, i) => Number(line, name, CsvTable.Cell(cells, optional[i]), problems, required: false)).ToArray();
            if (problems.Count > before) continue;
            fixes.Add(new PatrolFix(who, t, lon!.Value, lat!.Value, values[0], values[1], values[2], values[3], $"line {line}"));
        }
        if (table.Rows.Count == 0) problems.Add($"{file.Name} has a header but no rows");
        return problems.Count > 0 ? new([], problems) : new(fixes, []);
    }

    private static double? Number(int line, string column, string? text, List<string> problems, bool required)
    {
        if (text is null)
        {
            if (required) problems.Add($"line {line}, column {column}: empty");
            return null;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
        problems.Add($"line {line}, column {column}: '{text}' is not a number (a point as the decimal separator, e.g. 121.4737)");
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$")]
    private static partial Regex TimeWithOffset();

    private static bool TryTime(string? s, out DateTimeOffset t)
    {
        t = default;
        return s is not null && TimeWithOffset().IsMatch(s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out t);
    }
}
