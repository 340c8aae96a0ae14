namespace SpatialGrid.Core.Ogc;

/// <summary>One key of a <c>sortby</c>: a property, ascending unless <see cref="Descending"/>.</summary>
public sealed record SortKey(string Property, bool Descending);

/// <summary>
/// The <c>sortby</c> parameter (OGC API – Features Part 8 draft): <c>+name,-code</c>, a <c>+</c> or no sign ascending,
/// <c>-</c> descending. A <c>+</c> left unencoded in a URL arrives as a space, and is taken as <c>+</c>.
/// </summary>
public static class SortBy
{
    public const int MaxKeys = 8;

    public static bool TryParse(string text, IReadOnlyCollection<string> sortable, out IReadOnlyList<SortKey> keys, out Cql2Error? error)
    {
        var list = new List<SortKey>();
        keys = list;
        error = null;
        var position = 1;
        foreach (var raw in text.Split(','))
        {
            var part = raw.TrimStart();
            var at = position + (raw.Length - part.Length);
            position += raw.Length + 1;
            part = part.TrimEnd();
            var descending = part.StartsWith('-');
            var name = part.StartsWith('+') || descending ? part[1..] : part;
            if (!sortable.Contains(name))
            {
                var shown = name.Length == 0 ? "an empty key" : $"'{(name.Length > 40 ? name[..40] + "…" : name)}'";
                error = new(at, null, shown, $"expected one of {string.Join(", ", sortable)}, with + (ascending, the default) or - (descending) before it");
                return false;
            }
            if (list.Count == MaxKeys)
            {
                error = new(at, null, $"'{name}'", $"at most {MaxKeys} sort keys");
                return false;
            }
            list.Add(new SortKey(name, descending));
        }
        return true;
    }
}
