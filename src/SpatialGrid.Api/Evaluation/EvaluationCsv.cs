using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>Evaluation tables as CSV for a spreadsheet (UTF-8 with a byte-order mark, so Excel reads the Chinese names).</summary>
public static class EvaluationCsv
{
    public static FileContentHttpResult Areas(IReadOnlyList<EvaluationApi.AreaRowView> rows, EvaluationRequest request)
    {
        var csv = new StringBuilder();
        var indicators = AreaIndicators.All.Select(AreaIndicators.Name).ToList();
        csv.Row(new[] { "key", "name" }.Concat(indicators.SelectMany(i => new[] { i, $"{i}_numerator", $"{i}_denominator", $"{i}_rank" })));
        foreach (var row in rows)
            csv.Row(new object?[] { row.Key, row.Name }.Concat(indicators.SelectMany(i =>
            {
                var f = row.Indicators[i];
                return new object?[] { f.Value, f.Numerator, f.Denominator, f.Rank };
            })));
        var name = $"evaluation-{request.By}{(request.Grouping == Grouping.Unit ? "" : "-" + AreaEvaluation.Name(request.Grouping))}-{request.Period.Label.Replace(':', '-').Replace('/', '_')}.csv";
        return CsvFile.Result(csv, name);
    }
}
