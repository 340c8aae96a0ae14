using SpatialGrid.Core.Grids;

namespace SpatialGrid.Core.Tests.Grids;

public class GridCodeTests
{
    [Theory]
    [InlineData("310101", GridLevel.District, null)]
    [InlineData("310101002", GridLevel.SubDistrict, "310101")]
    [InlineData("310101002001", GridLevel.Community, "310101002")]
    [InlineData("310101002001007", GridLevel.Grid, "310101002001")]
    public void Levels_follow_the_code_length_and_parents_are_prefixes(string text, GridLevel level, string? parent)
    {
        Assert.True(GridCode.TryParse(text, out var code, out var error), error);
        Assert.Equal(level, code.Level);
        Assert.Equal(parent, code.ParentValue);
    }

    [Fact]
    public void Legacy_14_digit_code_gets_a_3_digit_sequence()
    {
        Assert.True(GridCode.TryParse("31010100200107", out var code, out _));
        Assert.Equal("310101002001007", code.Value);
        Assert.Equal(GridLevel.Grid, code.Level);
    }

    [Fact]
    public void Legacy_sequence_00_is_the_whole_community()
    {
        Assert.True(GridCode.TryParse("31010100200100", out var code, out _));
        Assert.Equal("310101002001", code.Value);
        Assert.Equal(GridLevel.Community, code.Level);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("31010A002001007", "not a digit")]
    [InlineData("3101010020010071", "16 digits")]
    [InlineData("12345", "5 digits")]
    [InlineData("310101000001007", "sub-district part 000")]
    [InlineData("310101002000007", "community part 000")]
    [InlineData("310101002001000", "grid sequence 000")]
    [InlineData("000101002001001", "province")]
    public void Bad_codes_are_refused_with_the_reason(string text, string reason)
    {
        Assert.False(GridCode.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Path_runs_from_district_to_grid()
    {
        Assert.Equal(["310101", "310101002", "310101002001", "310101002001007"], GridCode.Parse("310101002001007").Path());
    }
}
