using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// The one way a case is opened, whatever the channel (the API, Open311, a device's alert). Every opening passes
/// <see cref="DraftAsync"/>, which enforces the caller's policy (its role opens cases; the point lies in its scope)
/// and resolves the case: its grid (outside every grid: the nearest district, flagged), its component (given, or the
/// nearest of its class within a few metres), its unit and limits from the taxonomy with the district's overrides. A
/// person's report is opened whole by <see cref="OpenAsync"/>; ingestion writes the cases of a batch together in its
/// own transaction (<see cref="OpenManyAsync"/>).
/// </summary>
public sealed class CaseOpener(SpatialGridDb db, NpgsqlDataSource dataSource, GridRegistry grids, CalendarProvider calendars, CaseNotifier notifier,
    IOptions<CasesOptions> options, TimeProvider clock)
{
    /// <summary>The policy of every channel: only the roles that work on cases open them (null: this caller may).</summary>
    public static CaseProblem? MayOpen(CaseCaller caller) => Roles.CaseWorkers.Any(caller.Roles.Contains)
        ? null
        : new CaseProblem("forbidden", 403, $"this key's role may not open cases; reports need a key of role {string.Join(", ", Roles.CaseWorkers)}");

    /// <summary>Opens a person's report: checked, resolved, written in its own transaction and announced.</summary>
    public async Task<(CaseViews.CaseDetail? Detail, CaseProblem? Problem)> OpenAsync(CaseReport report, CaseChannel channel, CaseCaller caller, CancellationToken ct)
    {
        if (MayOpen(caller) is { } refused) return (null, refused);
        var now = CaseHistory.Microseconds(clock.GetUtcNow().ToUniversalTime());
        var taxonomy = new TaxonomyCache();
        var (opening, problem) = await CaseReports.ReadAsync(report, channel, code => ClassAsync(code, taxonomy, ct), options.Value, calendars.Calendar, now);
        if (problem is not null) return (null, problem);
        var (draft, refusal) = await DraftAsync(opening!, caller, taxonomy, ct);
        if (refusal is not null) return (null, refusal);

        var calendar = calendars.Calendar;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var c = NewCaseRows.Build(draft!, calendar);
        // The number is taken outside the case's transaction: the counter row is not held locked while the case is written.
        c.Number = NewCaseRows.Number(draft!, calendar,
            await NewCaseRows.TakeNumbersAsync(dataSource.CreateCommand(), draft!.District, NewCaseRows.LocalDay(draft.ReportedAt, calendar), 1, ct));
        db.Cases.Add(c);
        await db.SaveChangesAsync(ct);
        var events = NewCaseRows.FirstEvents(c, draft, now, calendar);
        db.CaseEvents.AddRange(events);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var detail = CaseViews.Detail(c, events, now, calendar);
        await notifier.SendAsync(new CaseNotification("created", c.Number, c.DistrictCode, c.GridCode, detail.Case.State, detail.Case.Colour, now), ct);
        return (detail, null);
    }

    /// <summary>
    /// Checks that the caller may open this case and resolves what it is opened from. The taxonomy rows read are kept
    /// in <paramref name="taxonomy"/> for the caller's next openings.
    /// </summary>
    public async Task<(CaseDraft? Draft, CaseProblem? Problem)> DraftAsync(CaseOpening o, CaseCaller caller, TaxonomyCache taxonomy, CancellationToken ct)
    {
        if (MayOpen(caller) is { } refused) return (null, refused);
        if (await ClassAsync(o.ClassCode, taxonomy, ct) is not { } cls) return Refuse("unknown-class", 400, $"class '{Clip(o.ClassCode)}' is not in the taxonomy");

        // Where: the grid, or the nearest district's centre for a point outside every grid.
        var gridCode = o.GridCode ?? grids.Current.Index.Locate(o.Lon, o.Lat);
        string district;
        if (gridCode is not null) district = gridCode[..6];
        else
        {
            await using var near = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/nearest_district.sql"));
            near.Parameters.AddWithValue("lon", o.Lon);
            near.Parameters.AddWithValue("lat", o.Lat);
            if (await near.ExecuteScalarAsync(ct) is not string d) return Refuse("no-grids", 422, "no grid version is published: import and publish the grids first");
            district = d;
        }

        // What it concerns: a device's own component (checked when the device was registered), the component given,
        // or the nearest one of a component class.
        var componentCode = o.ComponentCode;
        if (o.Channel != CaseChannel.Device)
        {
            if (componentCode is not null)
            {
                if (!await db.Components.AnyAsync(c => c.Code == componentCode, ct)) return Refuse("unknown-component", 400, $"no component '{Clip(componentCode)}'");
            }
            else if (cls.Kind == ClassKind.Component)
            {
                await using var nearest = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/nearest_component.sql"));
                nearest.Parameters.AddWithValue("class", cls.Code);
                nearest.Parameters.AddWithValue("lon", o.Lon);
                nearest.Parameters.AddWithValue("lat", o.Lat);
                nearest.Parameters.AddWithValue("metres", options.Value.ComponentSearchM);
                componentCode = await nearest.ExecuteScalarAsync(ct) as string;
            }
        }

        if (!caller.Scope.Sees(district, gridCode))
            return Refuse("out-of-scope", 403, $"the point lies in {gridCode ?? district}, outside the districts this key may act on");

        // Who reported it from the field: a registered patrol worker, and their fix nearest in time to the report. A worker's
        // own key reports as that worker, named or not.
        if (WorkerBinding.Refusal(caller.Worker, o.Worker) is { } notYours) return Refuse(WorkerBinding.Kind, 403, notYours);
        FieldReporter? reporter = null;
        if ((o.Worker ?? caller.Worker) is { } worker)
        {
            await using var find = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/reporter_fix.sql"));
            find.Parameters.AddWithValue("worker", worker);
            find.Parameters.AddWithValue("at", o.ReportedAt);
            find.Parameters.AddWithValue("districts", caller.Scope.Districts);
            await using var r = await find.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return Refuse("unknown-worker", 400, $"worker '{Clip(worker)}' is not an active patrol worker (POST /api/patrols/workers)");
            reporter = new FieldReporter(worker, r.IsDBNull(0) ? null : r.GetFieldValue<DateTimeOffset>(0),
                r.IsDBNull(1) ? null : GeometryFactories.Wgs84.CreatePoint(new NetTopologySuite.Geometries.Coordinate(r.GetDouble(1), r.GetDouble(2))));
        }
        if (!taxonomy.Overrides.TryGetValue((district, cls.Code), out var over))
        {
            taxonomy.Overrides[(district, cls.Code)] = over =
                await db.TaxonomyOverrides.AsNoTracking().FirstOrDefaultAsync(x => x.DistrictCode == district && x.ClassCode == cls.Code, ct);
        }
        return (new CaseDraft(cls, over, district, gridCode, o.Source, o.Description, o.Lon, o.Lat, componentCode, caller.Name, o.ReportedAt, o.Kind,
            o.PromisedBy, o.LeadUnit, o.CoUnits, o.Attachments, o.DeviceId, o.AlertType, o.ReportData, reporter, o.TraceId, o.Address), null);
    }

    /// <summary>Works inside a caller's connection and transaction (ingestion's batch), so its cases commit with the batch.</summary>
    public async Task UseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        db.Database.SetDbConnection(conn);
        await db.Database.UseTransactionAsync(tx, ct);
    }

    /// <summary>
    /// Writes cases together, in the transaction given to <see cref="UseAsync"/>: their numbers taken as one range per
    /// district and day, the cases in one round trip, their first events (hash-chained) in another, their live events
    /// in one NOTIFY statement. The cases were built from their drafts (<see cref="NewCaseRows.Build"/>) and get their ids.
    /// </summary>
    public async Task OpenManyAsync(IReadOnlyList<(Case Case, CaseDraft Draft)> pending, NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        var calendar = calendars.Calendar;
        foreach (var day in pending.GroupBy(p => (p.Draft.District, Day: NewCaseRows.LocalDay(p.Draft.ReportedAt, calendar))))
        {
            var sequence = await NewCaseRows.TakeNumbersAsync(new NpgsqlCommand(null, conn, tx), day.Key.District, day.Key.Day, day.Count(), ct);
            foreach (var p in day) p.Case.Number = NewCaseRows.Number(p.Draft, calendar, sequence++);
        }
        db.Cases.AddRange(pending.Select(p => p.Case));
        await db.SaveChangesAsync(ct);
        foreach (var p in pending) db.CaseEvents.AddRange(NewCaseRows.FirstEvents(p.Case, p.Draft, now, calendar));
        await db.SaveChangesAsync(ct);
        await CaseNotifier.SendManyAsync(conn, tx, pending.Select(p => new CaseNotification("created", p.Case.Number, p.Case.DistrictCode, p.Case.GridCode,
            CaseNames.Name(p.Case.State), CaseViews.Name(p.Case.NotifiedColour), now)), ct);
    }

    private async Task<TaxonomyEntry?> ClassAsync(string code, TaxonomyCache taxonomy, CancellationToken ct)
    {
        if (!taxonomy.Classes.TryGetValue(code, out var cls))
            taxonomy.Classes[code] = cls = await db.Taxonomy.AsNoTracking().FirstOrDefaultAsync(t => t.Code == code, ct);
        return cls;
    }

    private static (CaseDraft?, CaseProblem?) Refuse(string kind, int status, string detail) => (null, new CaseProblem(kind, status, detail));

    internal static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
