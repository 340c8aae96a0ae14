using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Distance;

namespace SpatialGrid.Cli;

/// <summary>
/// The demo city's week of patrols, planned without I/O (gis-data/demo/patrols/README.md tells the method):
/// - a team per sub-district, three generated workers per community working 三班两运转 (three crews, two shifts): a
///   day shift 08:00–20:00 and a night shift 20:00–08:00 per community holding all its grids, and each worker in a
///   three-day rotation of day, night, rest (on any day one works the day, one the night, one rests), so that every
///   responsibility grid is on a shift around the clock;
/// - each worker-shift walks one real GeoLife trajectory (taken in turn, in file-name order): its fixes thinned to one
///   every <c>every</c> seconds, its times moved so that it starts 5–25 minutes into the shift (and cut at the shift's
///   end and at <c>now</c>), its positions moved so that the centre of its bounding box lands on the centre of the
///   community's box, and shrunk (never stretched), the same in both directions, when it is wider or taller than that box;
///   a fix that still falls outside the community's grids is moved to the nearest point 5 m inside their border (the
///   grids are bounded by roads, so it walks the border street).
/// </summary>
public static class DemoPatrolWeek
{
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    public sealed record Track(string Name, IReadOnlyList<(DateTime Utc, double Lon, double Lat)> Points);
    public sealed record Community(string Code, Geometry Area, string[] Grids);
    public sealed record Team(string Id, string Name, string District, string SubDistrict);
    public sealed record Worker(string Id, string Name, string Team, string Role, string District);
    public sealed record Shift(string Code, string Name, string District, string Starts, string Ends, string[] Grids);
    public sealed record RosterEntry(string Day, string Worker, string Shift);
    public sealed record Plan(List<Team> Teams, List<Worker> Workers, List<Shift> Shifts, List<RosterEntry> Roster, List<List<PatrolFix>> Lanes);

    private static readonly (string Kind, string Name, TimeOnly Starts, TimeSpan Length)[] ShiftKinds =
    [
        ("day", "白班", new TimeOnly(8, 0), TimeSpan.FromHours(12)),
        ("night", "夜班", new TimeOnly(20, 0), TimeSpan.FromHours(12)),
    ];

    /// <summary>Workers per community: 三班两运转, three crews for the two shifts.</summary>
    private const int Crews = 3;

    /// <summary>The plan for the <paramref name="days"/> local days ending with the day of <paramref name="now"/>.</summary>
    public static Plan Build(IReadOnlyList<Community> communities, IReadOnlyList<Track> tracks, int days, DateTimeOffset now, TimeSpan every)
    {
        var district = communities[0].Code[..6];
        var teams = communities.Select(c => c.Code[..9]).Distinct().Order(StringComparer.Ordinal)
            .Select((sub, i) => new Team($"demo-team-{sub}", $"演示巡查{i + 1}队", district, sub)).ToList();
        var workers = new List<Worker>();
        var shifts = new List<Shift>();
        foreach (var c in communities)
        {
            foreach (var kind in ShiftKinds)
                shifts.Add(new Shift($"demo-{c.Code}-{kind.Kind}", $"{kind.Name} {c.Code} (演示)", district,
                    kind.Starts.ToString("HH:mm"), kind.Starts.Add(kind.Length).ToString("HH:mm"), c.Grids));
            for (var crew = 0; crew < Crews; crew++)
            {
                var n = workers.Count + 1;
                workers.Add(new Worker($"demo-w-{n:000}", $"演示网格员 {n:00}", $"demo-team-{c.Code[..9]}", "grid-worker", district));
            }
        }

        var roster = new List<RosterEntry>();
        var lanes = workers.ToDictionary(w => w.Id, _ => new List<PatrolFix>());
        var today = DateOnly.FromDateTime(now.ToOffset(Shanghai).DateTime);
        var turn = 0;
        for (var d = days - 1; d >= 0; d--)
        {
            var day = today.AddDays(-d);
            for (var ci = 0; ci < communities.Count; ci++)
            {
                for (var k = 0; k < ShiftKinds.Length; k++)
                {
                    var kind = ShiftKinds[k];
                    // 三班两运转: crew i works day, night, rest over three days; on a day the crew at (i + day) % 3 = k works shift k.
                    var worker = workers[ci * Crews + ((k - day.DayNumber) % Crews + Crews) % Crews];
                    roster.Add(new RosterEntry(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), worker.Id, $"demo-{communities[ci].Code}-{kind.Kind}"));
                    var starts = new DateTimeOffset(day.ToDateTime(kind.Starts), Shanghai);
                    var track = tracks[turn % tracks.Count];
                    var offset = TimeSpan.FromMinutes(5 + turn * 7 % 21);
                    lanes[worker.Id].AddRange(Walk(track, communities[ci].Area, worker.Id, starts + offset, starts + kind.Length, now, every));
                    turn++;
                }
            }
        }
        return new Plan(teams, workers, shifts, roster, lanes.Values.Where(l => l.Count > 0).ToList());
    }

    /// <summary>One trajectory moved onto a community: thinned, shifted in time, centred on its box and shrunk to fit.</summary>
    public static IEnumerable<PatrolFix> Walk(Track track, Geometry community, string worker, DateTimeOffset starts, DateTimeOffset ends, DateTimeOffset now, TimeSpan every)
    {
        var points = track.Points;
        var area = community.EnvelopeInternal;
        var inside = PreparedGeometryFactory.Prepare(community);
        // 5 m inside the border, so that a fix moved onto it is located in the community, not in the neighbour across the street.
        var inner = community.Buffer(-5 / MetresPerDegree(community.EnvelopeInternal.Centre.Y).Y) is { IsEmpty: false } b ? b : community;
        var box = new Envelope();
        foreach (var p in points) box.ExpandToInclude(p.Lon, p.Lat);
        var (fromX, fromY) = MetresPerDegree(box.Centre.Y);
        var (toX, toY) = MetresPerDegree(area.Centre.Y);
        var scale = Math.Min(1, Math.Min(area.Width * toX / Math.Max(1, box.Width * fromX), area.Height * toY / Math.Max(1, box.Height * fromY)));
        var first = points[0].Utc;
        DateTime? last = null;
        foreach (var (utc, lon, lat) in points)
        {
            if (last is { } l && utc - l < every) continue;
            var t = starts + (utc - first);
            if (t > ends || t > now) yield break;
            last = utc;
            var at = new Coordinate(area.Centre.X + (lon - box.Centre.X) * fromX * scale / toX, area.Centre.Y + (lat - box.Centre.Y) * fromY * scale / toY);
            var point = community.Factory.CreatePoint(at);
            if (!inside.Covers(point)) at = DistanceOp.NearestPoints(inner, point)[0];
            yield return new PatrolFix(worker, t, at.X, at.Y, Origin: $"{track.Name} {utc:HH:mm:ss}");
        }
    }

    private static (double X, double Y) MetresPerDegree(double lat) => (111_320 * Math.Cos(lat * Math.PI / 180), 110_574);

    /// <summary>A GeoLife .plt file: six header lines, then lat,lon,0,altitude,days,date,time (UTC).</summary>
    public static Track ReadPlt(string path)
    {
        var points = new List<(DateTime, double, double)>();
        foreach (var line in File.ReadLines(path).Skip(6))
        {
            var c = line.Split(',');
            if (c.Length < 7) continue;
            var utc = DateTime.SpecifyKind(DateTime.ParseExact($"{c[5]} {c[6]}", "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc);
            points.Add((utc, double.Parse(c[1], CultureInfo.InvariantCulture), double.Parse(c[0], CultureInfo.InvariantCulture)));
        }
        return new Track(Path.GetFileNameWithoutExtension(path), points);
    }
}
