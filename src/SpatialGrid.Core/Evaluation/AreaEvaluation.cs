namespace SpatialGrid.Core.Evaluation;

/// <summary>What the rows of an area or unit evaluation are: a tier of the grid, or the handling unit.</summary>
public enum Grouping
{
    District = 1,  // 区 (6 digits)
    Street = 2,    // 街道/镇 (9 digits)
    Community = 3, // 社区 (12 digits)
    Grid = 4,      // 单元网格
    Unit = 5,      // 处置单位
}

/// <summary>One figure of a row: numerator over denominator (for "opened", the count of opened cases over the cases reported), its value and its rank.</summary>
public sealed record Figure(long Numerator, long Denominator, double? Value, int? Rank);

/// <summary>One area or unit with its figures per indicator.</summary>
public sealed record EvaluationRow(string Key, IReadOnlyDictionary<AreaIndicator, Figure> Figures);

/// <summary>
/// The evaluation of areas and handling units over a period: the cases are grouped by the tier's code (or the unit),
/// each indicator is counted by <see cref="AreaIndicators.Judge"/>, and the rows are ranked per indicator.
/// </summary>
public static class AreaEvaluation
{
    public static string Name(Grouping g) => g.ToString().ToLowerInvariant();

    public static bool TryParseLevel(string? text, out Grouping level)
    {
        level = text switch { "district" => Grouping.District, "street" => Grouping.Street, "community" => Grouping.Community, "grid" => Grouping.Grid, _ => 0 };
        return level != 0;
    }

    /// <summary>The length of a tier's code prefix (a grid's whole code for the grid tier).</summary>
    public static int PrefixLength(Grouping g) => g switch { Grouping.District => 6, Grouping.Street => 9, Grouping.Community => 12, _ => int.MaxValue };

    /// <summary>The row a case falls in. A case outside every grid has only its district: below the district tier its key is the district's code.</summary>
    public static string KeyOf(in CaseFacts c, Grouping g) => g == Grouping.Unit ? c.Unit : c.Place[..Math.Min(PrefixLength(g), c.Place.Length)];

    /// <summary><see cref="KeyOf"/> without making a string of the prefix (the fold looks rows up by span: no string per case and tier).</summary>
    private static ReadOnlySpan<char> KeySpan(in CaseFacts c, Grouping g) => g == Grouping.Unit ? c.Unit : c.Place.AsSpan(0, Math.Min(PrefixLength(g), c.Place.Length));

    /// <summary>Rates with four decimals, as the case measures; null where nothing counts (no data is not 0 %).</summary>
    public static double? Rate(long part, long whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    public static IReadOnlyList<EvaluationRow> Evaluate(IEnumerable<CaseFacts> cases, Grouping g, DateTimeOffset asOf)
    {
        var counts = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var byKey = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        var indicators = AreaIndicators.All;
        foreach (var c in cases)
        {
            var key = KeySpan(c, g);
            if (!byKey.TryGetValue(key, out var n)) counts[key.ToString()] = n = new long[indicators.Count * 2];
            for (var i = 0; i < indicators.Count; i++)
            {
                var (counted, met) = AreaIndicators.Judge(indicators[i], c, asOf);
                if (counted) n[2 * i + 1]++;
                if (met) n[2 * i]++;
            }
        }
        var values = counts.ToDictionary(kv => kv.Key, kv => indicators.Select((ind, i) =>
            ind == AreaIndicator.Opened ? kv.Value[2 * i] : Rate(kv.Value[2 * i], kv.Value[2 * i + 1])).ToArray(), StringComparer.Ordinal);
        var ranks = indicators.Select((ind, i) => Ranks(values.ToDictionary(kv => kv.Key, kv => kv.Value[i]), AreaIndicators.LowerIsBetter(ind))).ToArray();
        var rows = counts.Select(kv => new EvaluationRow(kv.Key, indicators.Select((ind, i) => (ind, i)).ToDictionary(x => x.ind,
            x => new Figure(kv.Value[2 * x.i], kv.Value[2 * x.i + 1], values[kv.Key][x.i], ranks[x.i].GetValueOrDefault(kv.Key))))).ToList();
        // The table reads best ordered by on-time closure (the headline of the standard), then by the cases opened.
        return rows.OrderBy(r => r.Figures[AreaIndicator.OnTimeClosure].Rank ?? int.MaxValue)
            .ThenByDescending(r => r.Figures[AreaIndicator.Opened].Numerator).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Competition ranking (1, 1, 3): equal values share a rank; rows without a value are not ranked.</summary>
    public static Dictionary<string, int?> Ranks(IReadOnlyDictionary<string, double?> values, bool lowerIsBetter)
    {
        var ranked = values.Where(kv => kv.Value is not null).Select(kv => (kv.Key, Value: kv.Value!.Value)).ToList();
        ranked.Sort((a, b) => lowerIsBetter ? a.Value.CompareTo(b.Value) : b.Value.CompareTo(a.Value));
        var result = new Dictionary<string, int?>(StringComparer.Ordinal);
        for (var i = 0; i < ranked.Count; i++)
            result[ranked[i].Key] = i > 0 && ranked[i].Value == ranked[i - 1].Value ? result[ranked[i - 1].Key] : i + 1;
        return result;
    }
}
