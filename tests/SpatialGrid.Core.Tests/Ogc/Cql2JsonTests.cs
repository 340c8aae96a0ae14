using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Core.Tests.Ogc;

public class Cql2JsonTests
{
    [Fact]
    public void Cql2_json_parses_to_the_same_tree_as_the_text()
    {
        const string json = """
            {"op": "and", "args": [
              {"op": "in", "args": [{"property": "level"}, ["grid", "community"]]},
              {"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [121.47, 31.23]}]},
              {"op": "t_intersects", "args": [{"property": "valid_from"}, {"interval": ["2024-01-01T00:00:00Z", ".."]}]}
            ]}
            """;
        Assert.True(Cql2Json.TryParse(json, out var fromJson, out var error), error?.Detail);
        Assert.True(Cql2Text.TryParse(
            "level IN ('grid', 'community') AND S_INTERSECTS(geometry, POINT(121.47 31.23)) AND T_INTERSECTS(valid_from, INTERVAL('2024-01-01T00:00:00Z', '..'))",
            out var fromText, out _));
        Assert.Equal(Cql2Text.Write(fromText!), Cql2Text.Write(fromJson!));
    }

    [Theory]
    [InlineData("""{"op": "=", "args": [{"property": "name"}]}""", "$.args", "an array")]
    [InlineData("""{"op": "xor", "args": []}""", "$.op", "\"xor\"")]
    [InlineData("""{"op": "=", "args": ["name", "x"]}""", "$.args[0]", "\"name\"")]
    [InlineData("""{"op": "and", "args": [{"op": "=", "args": [{"property": "a"}, 1]}, {"op": "like", "args": [{"property": "b"}, 7]}]}""", "$.args[1].args[1]", "7")]
    [InlineData("""{"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Circle", "coordinates": []}]}""", "$.args[1].type", "\"Circle\"")]
    [InlineData("""{"op": "=", "args": [{"property": "a"}, {"timestamp": "soon"}]}""", "$.args[1].timestamp", "\"soon\"")]
    [InlineData("""{"op": "=", """, "line 1, byte 13", "malformed JSON")]
    public void Anything_outside_the_grammar_is_refused_with_the_json_path_and_what_was_found(string json, string path, string token)
    {
        Assert.False(Cql2Json.TryParse(json, out _, out var error));
        Assert.Equal(path, error!.Path);
        Assert.Equal(token, error.Token);
    }
}
