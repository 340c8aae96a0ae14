using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Core.Tests.Ogc;

public class SortByTests
{
    private static readonly string[] Sortable = ["code", "name", "area_m2"];

    [Fact]
    public void Signs_choose_the_direction_and_a_plus_decoded_as_a_space_is_ascending()
    {
        Assert.True(SortBy.TryParse("-area_m2, name, +code", Sortable, out var keys, out _));
        Assert.Equal([new SortKey("area_m2", true), new SortKey("name", false), new SortKey("code", false)], keys);
        Assert.True(SortBy.TryParse(" name", Sortable, out var spaced, out _));
        Assert.Equal([new SortKey("name", false)], spaced);
    }

    [Theory]
    [InlineData("name,-colour", 6, "'colour'")]
    [InlineData("name,,code", 6, "an empty key")]
    [InlineData("geometry", 1, "'geometry'")]
    public void An_unknown_property_is_refused_with_its_position(string text, int position, string token)
    {
        Assert.False(SortBy.TryParse(text, Sortable, out _, out var error));
        Assert.Equal((position, token), (error!.Position, error.Token));
    }
}
