using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>
/// <c>GET /api/evaluation/report?district=&amp;period=YYYY-MM</c>: the district's monthly evaluation as one HTML page that prints
/// on A4 (the PDF is this page through a browser's print, <c>sgrid evaluation report --pdf</c>): the district's figures and their
/// trend over six months, the streets, units and people ranked and graded, the red-light cases.
/// </summary>
public static class MonthlyReport
{
    public const int TrendMonths = 6;
    public const int RedLightLimit = 100;

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Get(NpgsqlDataSource dataSource, EvaluationSnapshots snapshots, ClaimsPrincipal user,
        TimeProvider clock, CalendarProvider calendars, string? district, string? period, CancellationToken ct)
    {
        if (district is null || district.Length != 6 || !district.All(char.IsAsciiDigit)) return Problems.BadRequest("bad-district", "district is a 6-digit county code");
        var now = clock.GetUtcNow().ToUniversalTime();
        var offset = calendars.Calendar.UtcOffset;
        var (p, problem) = EvaluationPeriod.Parse(period, null, null, now, offset);
        if (p is null) return Problems.BadRequest("bad-period", problem!);
        var caller = CallerScope.Of(user);
        // What is not seen is answered as if it did not exist; a sub-district key gets its own part of the district only.
        if (!caller.ReachesDistrict(district)) return Problems.NotFound("district-not-found", $"no district {district}");
        var scope = caller.IsCityWide || caller.SeesWholeDistrict(district) ? CallerScope.OfGateway([district]) : caller;

        // Through the snapshots, as every other evaluation: the report, the evaluation pages and the cases behind a figure
        // read the same facts (the district's scope holds only the district's cases).
        // A caller scoped to parts of several districts sees more than this district: its cases only.
        async Task<List<CaseFacts>> DistrictFacts(EvaluationPeriod period) =>
            (await snapshots.CaseFactsAsync(scope, period, ct)).Value.Where(f => f.DistrictCode == district).ToList();
        var facts = await DistrictFacts(p);
        var summary = AreaEvaluation.Evaluate(facts, Grouping.District, now).FirstOrDefault();
        var streets = AreaEvaluation.Evaluate(facts, Grouping.Street, now);
        var units = AreaEvaluation.Evaluate(facts, Grouping.Unit, now);
        var people = PersonEvaluation.Evaluate((await snapshots.JudgementsAsync(scope, p, ct)).Value.Totals, RoleIndicators.Parse(null).Weights!, byRole: false);
        var trend = new List<(EvaluationPeriod Month, EvaluationRow? Row)>();
        var month = p;
        for (var i = 0; i < TrendMonths; i++)
        {
            var row = i == 0 ? summary : AreaEvaluation.Evaluate(await DistrictFacts(month), Grouping.District, now).FirstOrDefault();
            trend.Insert(0, (month, row));
            month = month.PreviousMonth(offset);
        }
        var names = await CaseFactsQuery.AreaNamesAsync(dataSource, streets.Select(s => s.Key).Append(district), ct);
        var red = new List<string[]>();
        await using (var cmd = dataSource.CreateCommand(SqlFiles.Get("Evaluation/Sql/red_light.sql")))
        {
            cmd.Parameters.AddWithValue("district", district);
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("scope", scope.Patterns);
            cmd.Parameters.AddWithValue("limit", RedLightLimit);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                red.Add([r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), CaseNames.Name((CaseState)r.GetInt32(4)),
                    Local(r.GetFieldValue<DateTimeOffset>(5), offset), Hours(now - r.GetFieldValue<DateTimeOffset>(6))]);
        }
        var html = Render(district, names.GetValueOrDefault(district), p, now, offset, summary, trend, streets, names, units, people, red);
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8);
    }

    private static string Local(DateTimeOffset t, TimeSpan offset) => t.ToOffset(offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    private static string Hours(TimeSpan t) => (t.TotalHours).ToString("0.0", CultureInfo.InvariantCulture) + " h";
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "—";
    private static string N(double? v) => v is { } x ? x.ToString("0.#", CultureInfo.InvariantCulture) : "—";

    private static readonly (AreaIndicator Indicator, string Label)[] AreaColumns =
    [
        (AreaIndicator.Opened, "立案数 Opened"), (AreaIndicator.Closure, "结案率 Closure"), (AreaIndicator.OnTimeClosure, "按期结案率 On-time closure"),
        (AreaIndicator.Rework, "返工率 Rework"), (AreaIndicator.Extension, "延期率 Extension"), (AreaIndicator.OnTimeHandling, "按时处置率 On-time handling"),
    ];

    private static string Value(AreaIndicator i, Figure f) => i == AreaIndicator.Opened ? f.Numerator.ToString(CultureInfo.InvariantCulture) : Pct(f.Value);

    private static string Render(string district, string? name, EvaluationPeriod p, DateTimeOffset now, TimeSpan offset, EvaluationRow? summary,
        List<(EvaluationPeriod Month, EvaluationRow? Row)> trend, IReadOnlyList<EvaluationRow> streets, Dictionary<string, string> names,
        IReadOnlyList<EvaluationRow> units, IReadOnlyList<PersonRow> people, List<string[]> red)
    {
        var h = new StringBuilder();
        h.Append($$"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <title>{{E(name ?? district)}} {{E(p.Label)}} 综合评价月报</title>
            <style>
            @page { size: A4; margin: 14mm 12mm; }
            body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 190mm; }
            h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; break-after: avoid; }
            .meta { color: #555; margin-bottom: 4mm; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 3mm; } thead { display: table-header-group; }
            th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; text-align: right; } th { background: #eee; font-weight: 600; }
            td.t, th.t { text-align: left; white-space: nowrap; } tr { break-inside: avoid; }
            .grade { font-weight: 700; text-align: center; } .A { color: #0a7d32; } .B { color: #3b7d0a; } .C { color: #a07800; } .D { color: #c05800; } .E { color: #c00; }
            .red { color: #c00; } .up { color: #0a7d32; } .down { color: #c00; } .bar { display: inline-block; height: 3mm; background: #4a78c2; vertical-align: middle; }
            .none { color: #777; font-style: italic; }
            </style></head><body>
            <h1>{{(name is null ? E(district) : $"{E(name)}（{E(district)}）")}} 数字城管综合评价月报 · {{E(p.Label)}}</h1>
            <div class="meta">Monthly evaluation of district {{E(district)}} for {{E(p.Label)}}: cases reported {{E(Local(p.From, offset))}} to {{E(Local(p.To, offset))}};
            deadlines judged as of {{E(Local(now, offset))}}. Grades: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below.</div>
            """);
        h.Append("<h2>1. 区级指标 District figures and trend</h2>");
        if (summary is null) h.Append("<p class=\"none\">No case was reported in this period.</p>");
        h.Append("<table><thead><tr><th class=\"t\">Month</th>");
        foreach (var (_, label) in AreaColumns) h.Append($"<th>{E(label)}</th>");
        h.Append("</tr></thead><tbody>");
        var maxOpened = Math.Max(1, trend.Max(t => t.Row?.Figures[AreaIndicator.Opened].Numerator ?? 0));
        EvaluationRow? before = null;
        foreach (var (m, row) in trend)
        {
            h.Append($"<tr><td class=\"t\">{E(m.Label)}</td>");
            foreach (var (i, _) in AreaColumns)
            {
                if (row is null) { h.Append("<td>—</td>"); continue; }
                var f = row.Figures[i];
                var cell = Value(i, f);
                if (i == AreaIndicator.Opened) cell = $"<span class=\"bar\" style=\"width:{12.0 * f.Numerator / maxOpened:0.0}mm\"></span> {cell}";
                else if (before?.Figures[i].Value is { } b && f.Value is { } v && v != b)
                {
                    var better = AreaIndicators.LowerIsBetter(i) ? v < b : v > b;
                    cell += $" <span class=\"{(better ? "up" : "down")}\">{(v > b ? "▲" : "▼")}</span>";
                }
                h.Append($"<td>{cell}</td>");
            }
            h.Append("</tr>");
            before = row ?? before;
        }
        h.Append("</tbody></table>");

        AreaTable(h, "2. 街道排名 Streets ranked (by on-time closure)", "Street", streets, names);
        AreaTable(h, "3. 处置单位排名 Handling units ranked", "Unit", units, null);

        h.Append("<h2>4. 人员考核 People graded</h2>");
        if (people.Count == 0) h.Append("<p class=\"none\">Nobody of the standard's roles acted on this period's cases.</p>");
        foreach (var role in people.Select(r => r.Role).Distinct())
        {
            var indicators = RoleIndicators.Of(role).ToList();
            h.Append($"<table><thead><tr><th class=\"t\">{E(RoleIndicators.Name(role))}</th><th>Rank</th><th>Score</th><th>Grade</th>");
            foreach (var i in indicators) h.Append($"<th>{E(i.Name)} ({i.DefaultWeight:0} %)</th>");
            h.Append("</tr></thead><tbody>");
            foreach (var r in people.Where(r => r.Role == role))
            {
                h.Append($"<tr><td class=\"t\">{E(r.Person)}</td><td>{r.Rank}</td><td>{N(r.Score)}</td><td class=\"grade {r.Grade}\">{E(r.Grade ?? "—")}</td>");
                foreach (var i in indicators)
                {
                    var f = r.Figures[i.Name];
                    h.Append($"<td>{(i.IsCount ? f.Numerator.ToString(CultureInfo.InvariantCulture) : Pct(f.Value))}{(f.Denominator > 0 && !i.IsCount ? $" <small>({f.Numerator}/{f.Denominator})</small>" : "")}</td>");
                }
                h.Append("</tr>");
            }
            h.Append("</tbody></table>");
        }

        h.Append($"<h2>5. 红灯案件 Red-light cases (open, past a deadline, as of {E(Local(now, offset))})</h2>");
        if (red.Count == 0) h.Append("<p class=\"none\">None.</p>");
        else
        {
            h.Append("<table><thead><tr><th class=\"t\">Case</th><th class=\"t\">Class</th><th class=\"t\">Grid</th><th class=\"t\">Unit</th><th class=\"t\">State</th><th>Reported</th><th>Overdue</th></tr></thead><tbody>");
            foreach (var c in red)
                h.Append($"<tr><td class=\"t red\">{E(c[0])}</td><td class=\"t\">{E(c[1])}</td><td class=\"t\">{E(c[2])}</td><td class=\"t\">{E(c[3])}</td><td class=\"t\">{E(c[4])}</td><td>{E(c[5])}</td><td class=\"red\">{E(c[6])}</td></tr>");
            h.Append("</tbody></table>");
            if (red.Count == RedLightLimit) h.Append($"<p class=\"none\">The {RedLightLimit} longest overdue are listed; /api/cases/overdue has them all.</p>");
        }
        h.Append("<p class=\"meta\">Every figure is traceable: /api/evaluation/cases lists the cases behind it, and /api/cases/{number}/chain checks each case's hash-chained history.</p>");
        h.Append("</body></html>");
        return h.ToString();
    }

    private static void AreaTable(StringBuilder h, string title, string what, IReadOnlyList<EvaluationRow> rows, Dictionary<string, string>? names)
    {
        h.Append($"<h2>{E(title)}</h2>");
        if (rows.Count == 0) { h.Append("<p class=\"none\">No case in this period.</p>"); return; }
        h.Append($"<table><thead><tr><th class=\"t\">{E(what)}</th>");
        foreach (var (_, label) in AreaColumns) h.Append($"<th>{E(label)}</th>");
        h.Append("</tr></thead><tbody>");
        foreach (var r in rows)
        {
            var label = names?.GetValueOrDefault(r.Key) is { } n ? $"{n} ({r.Key})" : r.Key;
            h.Append($"<tr><td class=\"t\">{E(label)}</td>");
            foreach (var (i, _) in AreaColumns)
            {
                var f = r.Figures[i];
                h.Append($"<td>{Value(i, f)}{(f.Rank is { } k ? $" <small>#{k}</small>" : "")}</td>");
            }
            h.Append("</tr>");
        }
        h.Append("</tbody></table>");
    }
}
