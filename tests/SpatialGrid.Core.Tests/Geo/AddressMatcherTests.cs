using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Tests.Geo;

public class AddressMatcherTests
{
    private static readonly NamedPlace EastRoad = new("road", "南京东路", "310101", 121.48, 31.24);
    private static readonly NamedPlace WestRoad = new("road", "南京西路", "310106", 121.46, 31.23);
    private static readonly NamedPlace Community = new("community", "Bund Community", "310101002001", 121.49, 31.24);
    private static readonly NamedPlace People1 = new("road", "人民路", "310101", 121.48, 31.23);
    private static readonly NamedPlace People2 = new("road", "人民路", "310104", 121.44, 31.19);
    private static readonly NamedPlace[] City = [EastRoad, WestRoad, Community, People1, People2];

    [Theory]
    [InlineData("南京东路", "南京东路")]
    [InlineData("南京东路100号", "南京东路")]
    [InlineData("  bund   COMMUNITY ", "Bund Community")]
    [InlineData("Bund Community, gate 3", "Bund Community")]
    [InlineData("南京东", "南京东路")]
    [InlineData("bund", "Bund Community")]
    public void An_address_stands_for_the_place_it_names_exactly_or_by_its_best_prefix(string address, string place) =>
        Assert.Equal(place, AddressMatcher.Match(address, City).Place?.Name);

    [Fact]
    public void The_longest_name_an_address_begins_with_wins()
    {
        var inner = new NamedPlace("road", "南京东路辅路", "310101", 121.481, 31.241);
        Assert.Equal(inner, AddressMatcher.Match("南京东路辅路5号", [.. City, inner]).Place);
    }

    [Theory]
    [InlineData("南京", 2)]
    [InlineData("人民路", 2)]
    [InlineData("人民路88号", 2)]
    public void An_address_that_could_mean_several_places_is_ambiguous_and_lists_them(string address, int candidates)
    {
        var match = AddressMatcher.Match(address, City);
        Assert.True(match.IsAmbiguous);
        Assert.Null(match.Place);
        Assert.Equal(candidates, match.Candidates.Count);
    }

    [Theory]
    [InlineData("淮海中路")]
    [InlineData("南")]
    [InlineData("   ")]
    public void An_unknown_or_too_short_address_matches_nothing(string address)
    {
        var match = AddressMatcher.Match(address, City);
        Assert.Null(match.Place);
        Assert.Empty(match.Candidates);
    }
}
