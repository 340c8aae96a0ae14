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
    [InlineData("""{"a":"\ud800"}""", true)]
    [InlineData("""{"\udc00":1}""", true)]
    [InlineData("""{"pair":"\ud83d\ude00"}""", false)]
    public void Text_that_cannot_be_stored_is_found_however_deep_in_a_json_value(string json, bool expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(expected, StorableText.Problem(doc.RootElement) is not null);
    }

    [Fact]
    public void The_first_attribute_that_cannot_be_stored_is_named_with_why()
    {
        using var deep = JsonDocument.Parse("""{"deep":["\u0000"]}""");
        using var surrogate = JsonDocument.Parse("""{"x":"\ud800"}""");
        Assert.Null(StorableText.FirstProblem([new("name", "ok"), new("n", 3L), new("none", null)]));
        Assert.Equal($"attribute 'name' holds {StorableText.Why}", StorableText.FirstProblem([new("code", "1"), new("name", "a\0b")]));
        Assert.Equal($"attribute 'attrs' holds {StorableText.Why}", StorableText.FirstProblem([new("attrs", deep.RootElement)]));
        Assert.Equal($"attribute 'attrs' holds {StorableText.LoneSurrogate}", StorableText.FirstProblem([new("attrs", surrogate.RootElement)]));
        Assert.Equal($"attribute 'k\\u0000' holds {StorableText.Why}", StorableText.FirstProblem([new("k\0", "v")]));
        Assert.Equal("m\\u000022", StorableText.Escaped("m\022"));
        Assert.Null(StorableText.Escaped(null));
    }
}
