using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Core;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Open311;

/// <summary>
/// What <c>GET requests</c> shows, and to whom (FixMyStreet's public tracker is the model). Everyone sees each request's
/// service, status, public notes (the centre's answer when it rejects or closes a case, never the steps' internal
/// notes), agency, dates and a position rounded to 0.001° (about 100 m). The reporter's own words (description,
/// address, photo) are public only when a resident reported through a public channel (source <c>resident</c>, as every
/// Open311 report is); the description of any other case (a device's alert, a patrol's or the hotline's report) is
/// replaced by what it is. Nobody is shown who reported. A key of a case-reading role sees the whole of the cases within
/// its scope (<see cref="CallerScope"/>): every description, address and photo, the exact position, and the handling
/// unit's feedback among the notes; outside its scope it sees what the public sees.
/// </summary>
public static class Open311Views
{
    /// <summary>Decimal places of a position shown to the public.</summary>
    public const int PublicDecimals = 3;

    /// <summary>Who is asking: the public (null scope), or a case reader limited to a scope.</summary>
    public sealed record Viewer(CallerScope? Scope)
    {
        public static readonly Viewer Public = new((CallerScope?)null);

        public bool SeesWhole(Case c) => Scope is { } scope && scope.Sees(c.DistrictCode, c.GridCode);
    }

    public static async Task<Viewer> ViewerAsync(HttpContext http, IAuthorizationService authorization) =>
        http.User.Identity?.IsAuthenticated == true && (await authorization.AuthorizeAsync(http.User, SecuritySetup.CaseReaderPolicy)).Succeeded
            ? new Viewer(CallerScope.Of(http.User))
            : Viewer.Public;

    public static async Task<List<ServiceRequest>> ShowAsync(SpatialGridDb db, List<Case> cases, Viewer viewer, DateTimeOffset now, CalendarProvider calendars,
        CancellationToken ct)
    {
        var codes = cases.Select(c => c.ClassCode).Distinct().ToList();
        var names = await db.Taxonomy.AsNoTracking().Where(t => codes.Contains(t.Code)).ToDictionaryAsync(t => t.Code, t => t.NameZh, ct);
        var ids = cases.Select(c => c.Id).ToList();
        var last = await db.CaseEvents.AsNoTracking().Where(e => ids.Contains(e.CaseId)).GroupBy(e => e.CaseId)
            .Select(g => new { g.Key, At = g.Max(e => e.At) }).ToDictionaryAsync(x => x.Key, x => x.At, ct);
        var noted = (await db.CaseEvents.AsNoTracking()
            .Where(e => ids.Contains(e.CaseId) && e.Note != null && (e.Action == "reject" || e.Action == "feedback" || e.Action == "close"))
            .Select(e => new { e.CaseId, e.Sequence, e.Action, e.Note }).ToListAsync(ct)).ToLookup(e => e.CaseId);
        var reports = await db.CaseEvents.AsNoTracking().Where(e => ids.Contains(e.CaseId) && e.Action == "report")
            .Select(e => new { e.CaseId, e.Data }).ToListAsync(ct);
        var reported = reports.GroupBy(r => r.CaseId).ToDictionary(g => g.Key, g => Report.Of(g.First().Data));
        return cases.Select(c =>
        {
            var whole = viewer.SeesWhole(c);
            var own = whole || c.Source == CaseSource.Resident;
            var name = names.GetValueOrDefault(c.ClassCode, c.ClassCode);
            var report = reported.GetValueOrDefault(c.Id) ?? Report.None;
            var note = noted[c.Id].Where(n => whole || n.Action != "feedback").MaxBy(n => n.Sequence)?.Note;
            var closing = CaseTimeline.Stages(CaseViews.Times(c), CaseViews.Limits(c), now, calendars.Calendar).Single(s => s.Stage == Stage.Closing);
            var open = CaseStateMachine.IsOpen(c.State);
            double Place(double v) => whole ? v : Math.Round(v, PublicDecimals);
            return new ServiceRequest(c.Number, open ? "open" : "closed", note, name, c.ClassCode,
                own ? c.Description : $"{name} ({CaseViews.Name(c.Source)} report; its text is not public)", c.Unit, null, c.ReportedAt,
                last.GetValueOrDefault(c.Id, c.ReportedAt), open ? closing.Due : null, own ? report.Address : null, Place(c.Location.Y), Place(c.Location.X),
                own ? report.MediaUrl : null);
        }).ToList();
    }

    /// <summary>What a case's report event holds for GeoReport v2: the address given with it, and its first http(s) attachment.</summary>
    private sealed record Report(string? Address, string? MediaUrl)
    {
        public static readonly Report None = new(null, null);

        public static Report Of(string? data)
        {
            if (string.IsNullOrEmpty(data)) return None;
            try
            {
                using var doc = JsonDocument.Parse(data);
                var root = doc.RootElement;
                var address = root.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                var media = root.TryGetProperty("attachments", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : null).FirstOrDefault(IsWebAddress)
                    : null;
                return new Report(address, media);
            }
            catch (JsonException)
            {
                return None;
            }
        }

        private static bool IsWebAddress(string? a) =>
            a is not null && (a.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
    }
}
