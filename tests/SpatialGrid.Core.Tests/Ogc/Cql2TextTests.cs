using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Core.Tests.Ogc;

public class Cql2TextTests
{
    private static Cql2Expression Parse(string text)
    {
        Assert.True(Cql2Text.TryParse(text, out var e, out var error), error?.Detail);
        return e!;
    }

    private static Cql2Error Refuse(string text)
    {
        Assert.False(Cql2Text.TryParse(text, out _, out var error));
        return error!;
    }

    [Fact]
    public void Comparisons_and_the_advanced_operators_parse_with_and_binding_tighter_than_or()
    {
        var e = Parse("level = 'grid' OR name LIKE '南京%' AND area_m2 BETWEEN 1000 AND 2e4");
        var or = Assert.IsType<Cql2Or>(e);
        Assert.Equal(new Cql2Comparison("=", new Cql2Property("level", 1), new Cql2String("grid")), or.Left);
        var and = Assert.IsType<Cql2And>(or.Right);
        Assert.Equal("name", Assert.IsType<Cql2Like>(and.Left).Property.Name);
        var between = Assert.IsType<Cql2Between>(and.Right);
        Assert.Equal((new Cql2Number(1000), new Cql2Number(20000)), (between.Low, between.High));
    }

    [Fact]
    public void Keywords_are_case_insensitive_and_negated_forms_become_not()
    {
        var e = Parse("not (kind in ('dedicated')) and parent is not null and name not like 'x%'");
        Assert.Equal("((NOT (kind IN ('dedicated')) AND NOT (parent IS NULL)) AND NOT (name LIKE 'x%'))", Cql2Text.Write(e));
    }

    [Fact]
    public void Spatial_and_temporal_functions_take_wkt_bbox_and_intervals()
    {
        var s = Assert.IsType<Cql2SIntersects>(Parse("S_INTERSECTS(geometry, POLYGON((121.4 31.2, 121.5 31.2, 121.5 31.3, 121.4 31.2)))"));
        Assert.Equal(4, Assert.IsType<Cql2Polygon>(s.Geometry).Rings[0].Count);
        Assert.IsType<Cql2Bbox>(Assert.IsType<Cql2SIntersects>(Parse("s_intersects(geometry, bbox(121.4, 31.2, 121.5, 31.3))")).Geometry);
        Assert.IsType<Cql2LineString>(Assert.IsType<Cql2SIntersects>(Parse("S_INTERSECTS(geometry, LINESTRING(121.4 31.2, 121.5 31.3))")).Geometry);
        var t = Assert.IsType<Cql2TIntersects>(Parse("T_INTERSECTS(valid_from, INTERVAL('2024-01-01', '..'))"));
        Assert.Equal(new Cql2Interval(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), null), t.Time);
        var at = Assert.IsType<Cql2Comparison>(Parse("valid_from >= TIMESTAMP('2024-05-01T16:00:00+08:00')"));
        Assert.Equal(new Cql2Timestamp(new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero)), at.Value);
    }

    [Fact]
    public void A_quoted_property_may_hold_any_name_and_a_quote_is_written_twice()
    {
        var c = Assert.IsType<Cql2Comparison>(Parse("\"dept in charge\" = 'O''Brien'"));
        Assert.Equal("dept in charge", c.Property.Name);
        Assert.Equal(new Cql2String("O'Brien"), c.Value);
    }

    [Theory]
    [InlineData("name == 'x'", 7, "'='")]
    [InlineData("name = 'x' AND", 15, "the end of the filter")]
    [InlineData("name = 'x' XOR level = 'grid'", 12, "'XOR'")]
    [InlineData("name ~ 'x'", 6, "character(s) '~'")]
    [InlineData("name = 'unclosed", 8, "character(s) ''unclosed'")]
    [InlineData("(name = 'x'", 12, "the end of the filter")]
    [InlineData("S_INTERSECTS(geometry, CIRCLE(1 2, 3))", 24, "'CIRCLE'")]
    [InlineData("T_INTERSECTS(valid_from, TIMESTAMP('yesterday'))", 36, "'yesterday'")]
    [InlineData("AND = 1", 1, "'AND'")]
    [InlineData("", 1, "the end of the filter")]
    [InlineData("area_m2 > 1e999", 11, "character(s) '1e999'")]
    public void Anything_outside_the_grammar_is_refused_with_the_position_and_the_token(string text, int position, string token)
    {
        var error = Refuse(text);
        Assert.Equal(position, error.Position);
        Assert.Equal(token, error.Token);
        Assert.Contains($"at position {position}", error.Detail);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_a_stack_overflow()
    {
        var deep = new string('(', 5_000) + "name = 'x'" + new string(')', 5_000);
        Assert.Contains("nesting", Refuse(deep).Message);
        var nots = string.Concat(Enumerable.Repeat("NOT ", 4_000)) + "name = 'x'";
        Assert.Contains("nesting", Refuse(nots).Message);
    }
}
