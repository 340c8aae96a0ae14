using System.Text.Json;
using SpatialGrid.Core;

namespace SpatialGrid.Core.Tests;

public class StorableTextTests
{
    [Theory]
    [InlineData("""{"a":[1,{"b":"x"}],"c":null}""", false)]
    [InlineData("""{"a":[1,{"b":"x\u0000"}]}""", true)]
    [InlineData("""{"k\u0000":1}""", true)]
    [InlineData("""["\u0000"]""", true)]
    [InlineData("""{"text":"\\u0000 is only the six characters here"}""", false)]
    public void A_nul_is_found_however_deep_in_a_json_value(string json, bool expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(expected, StorableText.HasNul(doc.RootElement));
    }

    [Fact]
    public void The_first_attribute_holding_a_nul_is_named_and_the_nul_written_out()
    {
        using var doc = JsonDocument.Parse("""{"deep":["\u0000"]}""");
        Assert.Null(StorableText.FirstWithNul([new("name", "ok"), new("n", 3L), new("none", null)]));
        Assert.Equal("name", StorableText.FirstWithNul([new("code", "1"), new("name", "a\0b")]));
        Assert.Equal("attrs", StorableText.FirstWithNul([new("attrs", doc.RootElement)]));
        Assert.Equal("k\\u0000", StorableText.FirstWithNul([new("k\0", "v")]));
        Assert.Equal("m\\u000022", StorableText.Escaped("m\022"));
        Assert.Null(StorableText.Escaped(null));
    }
}
