using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>Evaluation tables as CSV for a spreadsheet (UTF-8 with a byte-order mark, so Excel reads the Chinese names).</summary>
public static class EvaluationCsv
{
    public static FileContentHttpResult Areas(IReadOnlyList<EvaluationApi.AreaRowView> rows, EvaluationRequest request)
    {
        var csv = new StringBuilder();
        var indicators = AreaIndicators.All.Select(AreaIndicators.Name).ToList();
        csv.AppendLine(string.Join(',', new[] { "key", "name" }.Concat(indicators.SelectMany(i => new[] { i, $"{i}_numerator", $"{i}_denominator", $"{i}_rank" }))));
        foreach (var row in rows)
            csv.AppendLine(string.Join(',', new[] { Cell(row.Key), Cell(row.Name) }.Concat(indicators.SelectMany(i =>
            {
                var f = row.Indicators[i];
                return new[] { Cell(f.Value), Cell(f.Numerator), Cell(f.Denominator), Cell(f.Rank) };
            }))));
        var name = $"evaluation-{request.By}{(request.Grouping == Grouping.Unit ? "" : "-" + AreaEvaluation.Name(request.Grouping))}-{request.Period.Label.Replace(':', '-').Replace('/', '_')}.csv";
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8", name);
    }

    public static string Cell(object? v) => v switch
    {
        null => "",
        string s => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : Safe(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    // A cell starting with = + - @ is a formula to a spreadsheet; unit names come from users.
    private static string Safe(string s) => s.Length > 0 && s[0] is '=' or '+' or '-' or '@' ? "'" + s : s;
}
