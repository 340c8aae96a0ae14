using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Ogc;
using SpatialGrid.Api.Security;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// OGC collection <c>cases</c>: every case the caller's scope sees, as a point where it was reported, with
/// <c>datetime</c> on the report time and its colour as of now; filterable and sortable on state, class, colour, grid,
/// district, report time and the like. It needs a key that reads cases, as <c>/api/cases</c> does.
/// </summary>
public sealed class CasesOgcCollection(NpgsqlDataSource data, TimeProvider clock) : OgcSqlCollection(data, Definition)
{
    private static readonly string[] States = [.. Enum.GetValues<CaseState>().OrderBy(s => (int)s).Select(CaseNames.Name)];
    private static readonly string[] Sources = [.. Enum.GetValues<CaseSource>().OrderBy(s => (int)s).Select(CaseViews.Name)];
    private static readonly string[] Kinds = [.. Enum.GetValues<CaseKind>().OrderBy(k => (int)k).Select(k => k.ToString().ToLowerInvariant())];

    private static readonly OgcSqlSource Definition = new("cases", "Cases (案件)",
        "The cases the caller's key sees, at the place reported; datetime selects on the report time", "geometry-point",
        "Cases/Sql/ogc_cases.sql", "f.reported_at", "reported_at");

    public override IReadOnlyList<OgcProperty> Properties { get; } =
    [
        new("number", "string", "Case number", Role: "id", Sql: "number", Sort: "number"),
        new("state", "string", "State", Enum: States, Sql: "state", Sort: "state"),
        new("class", "string", "Class code (category of the problem)", Sql: "class", Sort: "class"),
        new("colour", "string", "Colour now: green, yellow (limit near) or red (limit passed)", Enum: ["green", "yellow", "red"], Sql: "colour", Sort: "colour"),
        new("source", "string", "Where the report came from", Enum: Sources, Sql: "source", Sort: "source"),
        new("kind", "string", "Immediate, promised or coordination", Enum: Kinds, Sql: "kind", Sort: "kind"),
        new("district", "string", "District code", Sql: "district", Sort: "district"),
        new("grid", "string", "Code of the grid it lies in (null: outside every grid)", Sql: "grid", Sort: "grid"),
        new("outside", "boolean", "Lies in no grid", Sql: "outside"),
        new("unit", "string", "Unit in charge", Sql: "unit", Sort: "unit"),
        new("description", "string", "What was reported", Sql: "description"),
        new("reported_at", "string", "Reported at", Format: "date-time", Sql: "reported_at", Sort: "reported_at"),
        new("closed_at", "string", "Closed at (null: not closed)", Format: "date-time", Sql: "closed_at", Sort: "closed_at"),
        new("alerts", "integer", "Device alerts that joined the case", Sql: "alerts", Sort: "alerts"),
    ];

    protected override IEnumerable<NpgsqlParameter> Parameters(CallerScope scope, bool timed, DateTimeOffset? from, DateTimeOffset? to) =>
    [
        new("scope", scope.Patterns), new("timed", timed), Typed("from", from, NpgsqlDbType.TimestampTz), Typed("to", to, NpgsqlDbType.TimestampTz),
        new("now", clock.GetUtcNow().ToUniversalTime()),
        new("states", States), new("sources", Sources), new("kinds", Kinds),
    ];

    protected override Action<Utf8JsonWriter> ReadProperties(NpgsqlDataReader r)
    {
        var (number, state, cls, colour, source, kind) = (r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6));
        var (district, grid, outside, unit, description) = (r.GetString(7), Value<string>(r, "grid"), r.GetBoolean(9), r.GetString(10), r.GetString(11));
        var (reported, closed, alerts) = (r.GetFieldValue<DateTimeOffset>(12), Value<DateTimeOffset?>(r, "closed_at"), r.GetInt32(14));
        return w =>
        {
            w.WriteString("number", number);
            w.WriteString("state", state);
            w.WriteString("class", cls);
            w.WriteString("colour", colour);
            w.WriteString("source", source);
            w.WriteString("kind", kind);
            w.WriteString("district", district);
            if (grid is null) w.WriteNull("grid"); else w.WriteString("grid", grid);
            w.WriteBoolean("outside", outside);
            w.WriteString("unit", unit);
            w.WriteString("description", description);
            WriteInstant(w, "reported_at", reported);
            WriteInstant(w, "closed_at", closed);
            w.WriteNumber("alerts", alerts);
        };
    }
}
