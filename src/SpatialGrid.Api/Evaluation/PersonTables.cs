using SpatialGrid.Api.ServiceDefaults;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>The evaluation of people and roles as the API shows it: rows with figures linking to their cases, composite, grade and rank; JSON or CSV.</summary>
public static class PersonTables
{
    /// <summary>A person (or a role) of the standard with the figures of its role, its composite score, grade and rank within the role, and the indicators without data (left out of the composite, their weights scaled).</summary>
    public sealed record PersonRowView(string Role, string Person, double? Score, string? Grade, int? Rank, IReadOnlyList<string> Missing,
        IReadOnlyDictionary<string, EvaluationApi.FigureView> Indicators);

    public sealed record PersonTable(EvaluationApi.PeriodView Period, DateTimeOffset AsOf, string By, IReadOnlyDictionary<string, double> Weights,
        IReadOnlyList<PersonRowView> Items, int Page, int PageSize, int Total);

    /// <summary>The row key the cases of a figure are asked with: role:person, or the role alone for by=role.</summary>
    public static string KeyOf(PersonRow r, bool byRole) => byRole ? RoleIndicators.Name(r.Role) : $"{RoleIndicators.Name(r.Role)}:{r.Person}";

    public static PersonRowView View(PersonRow r, EvaluationRequest request) => new(RoleIndicators.Name(r.Role), r.Person, r.Score, r.Grade, r.Rank, r.Missing,
        r.Figures.ToDictionary(kv => kv.Key, kv => new EvaluationApi.FigureView(kv.Value.Numerator, kv.Value.Denominator, kv.Value.Value, kv.Value.Rank,
            $"/api/evaluation/cases?{request.Query}&indicator={kv.Key}&key={Uri.EscapeDataString(KeyOf(r, request.By == "role"))}")));

    public static FileContentHttpResult Csv(IReadOnlyList<PersonRowView> rows, EvaluationRequest request)
    {
        var csv = new StringBuilder();
        var indicators = RoleIndicators.All.Select(i => i.Name).ToList();
        csv.Row(new[] { "role", "person", "score", "grade", "rank" }.Concat(indicators.SelectMany(i => new[] { i, $"{i}_numerator", $"{i}_denominator", $"{i}_rank" })));
        foreach (var row in rows)
            csv.Row(new object?[] { row.Role, row.Person, row.Score, row.Grade, row.Rank }
                .Concat(indicators.SelectMany(i => row.Indicators.TryGetValue(i, out var f)
                    ? new object?[] { f.Value, f.Numerator, f.Denominator, f.Rank }
                    : [null, null, null, null])));
        return CsvFile.Result(csv, $"evaluation-{request.By}-{request.Period.Label.Replace(':', '-').Replace('/', '_')}.csv");
    }
}
