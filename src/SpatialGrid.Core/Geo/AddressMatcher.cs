using System.Globalization;
using System.Text;

namespace SpatialGrid.Core.Geo;

/// <summary>A named place of the city an address can stand for: a road or an area (community, grid), and its point.</summary>
public sealed record NamedPlace(string Kind, string Name, string Code, double Lon, double Lat)
{
    public override string ToString() => FormattableString.Invariant($"{Name} ({Kind} {Code}, {Lon:F4} E {Lat:F4} N)");
}

/// <summary>What an address matched: one place, or the places it could mean (none: unknown; several: ambiguous).</summary>
public sealed record AddressMatch(NamedPlace? Place, IReadOnlyList<NamedPlace> Candidates)
{
    public bool IsAmbiguous => Place is null && Candidates.Count > 1;
}

/// <summary>
/// Matches a free-text address (GeoReport v2's <c>address_string</c>) to the city's own place names, in this order:
/// a name equal to the address; else the longest name the address begins with ("南京东路100号" is 南京东路); else the
/// names that begin with the address ("南京东" is 南京东路 when no other name begins so). Several places at the first
/// step that finds any are ambiguous: the caller is told which, never handed one at random. Case and runs of white
/// space do not count.
/// </summary>
public static class AddressMatcher
{
    /// <summary>The shortest address completed to a longer name (a single character would match half the city).</summary>
    public const int MinPartialLength = 2;

    public static AddressMatch Match(string address, IEnumerable<NamedPlace> places)
    {
        var wanted = Normalise(address);
        var named = places.Select(p => (Place: p, Name: Normalise(p.Name))).Where(p => p.Name.Length > 0).ToList();
        if (wanted.Length == 0) return new AddressMatch(null, []);

        var exact = named.Where(p => p.Name == wanted).Select(p => p.Place).ToList();
        if (exact.Count > 0) return Decide(exact);

        var begun = named.Where(p => wanted.StartsWith(p.Name, StringComparison.Ordinal)).ToList();
        if (begun.Count > 0)
        {
            var longest = begun.Max(p => p.Name.Length);
            return Decide(begun.Where(p => p.Name.Length == longest).Select(p => p.Place).ToList());
        }

        if (new StringInfo(wanted).LengthInTextElements < MinPartialLength) return new AddressMatch(null, []);
        return Decide(named.Where(p => p.Name.StartsWith(wanted, StringComparison.Ordinal)).Select(p => p.Place).ToList());
    }

    private static AddressMatch Decide(List<NamedPlace> found) => new(found.Count == 1 ? found[0] : null, found);

    /// <summary>Lower case (invariant), trimmed, each run of white space one space: the form names are compared in.</summary>
    public static string Normalise(string s)
    {
        var text = new StringBuilder(s.Length);
        var space = false;
        foreach (var ch in s.Trim())
        {
            if (char.IsWhiteSpace(ch))
            {
                space = true;
                continue;
            }
            if (space) text.Append(' ');
            space = false;
            text.Append(char.ToLowerInvariant(ch));
        }
        return text.ToString();
    }
}
