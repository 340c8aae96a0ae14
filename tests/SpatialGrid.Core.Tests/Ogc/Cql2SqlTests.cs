using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Core.Tests.Ogc;

public class Cql2SqlTests
{
    private static readonly Cql2Queryable[] Grids =
    [
        new("code", Cql2Type.String, "code"),
        new("name", Cql2Type.String, "name"),
        new("area_m2", Cql2Type.Number, "area_m2"),
        new("generated", Cql2Type.Boolean, "generated"),
        new("valid_from", Cql2Type.Timestamp, "valid_from"),
        new("install_date", Cql2Type.Date, "install_date"),
        new("geometry", Cql2Type.Geometry, "geometry"),
    ];

    private static (string Sql, IReadOnlyList<object> Parameters) Translate(string text)
    {
        Assert.True(Cql2Text.TryParse(text, out var e, out var parseError), parseError?.Detail);
        Assert.True(Cql2Sql.TryTranslate(e!, Grids, out var where, out var error), error?.Detail);
        return (where!.Sql, where.Parameters);
    }

    private static Cql2Error Refuse(string text)
    {
        Assert.True(Cql2Text.TryParse(text, out var e, out var parseError), parseError?.Detail);
        Assert.False(Cql2Sql.TryTranslate(e!, Grids, out _, out var error));
        return error!;
    }

    [Fact]
    public void Every_literal_becomes_a_parameter_and_every_property_its_queryable_sql()
    {
        var (sql, parameters) = Translate("name LIKE '%''; DROP TABLE grids; --' OR (area_m2 >= 10 AND code IN ('a', 'b')) OR NOT generated = TRUE");
        Assert.Equal("(((name LIKE @cql0) OR ((area_m2 >= @cql1) AND (code IN (@cql2, @cql3)))) OR NOT ((generated = @cql4)))", sql);
        Assert.Equal(["%'; DROP TABLE grids; --", 10.0, "a", "b", true], parameters);
    }

    [Fact]
    public void Spatial_and_temporal_predicates_use_postgis_and_parameters()
    {
        var (sql, parameters) = Translate("S_INTERSECTS(geometry, BBOX(121.4, 31.2, 121.5, 31.3)) AND T_INTERSECTS(valid_from, INTERVAL('2024-01-01', '..'))");
        Assert.Equal("(ST_Intersects(geometry, ST_GeomFromText(@cql0, 4326)) AND (valid_from IS NOT NULL AND valid_from >= @cql1))", sql);
        Assert.Equal("POLYGON((121.4 31.2, 121.5 31.2, 121.5 31.3, 121.4 31.3, 121.4 31.2))", parameters[0]);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), parameters[1]);
        var (day, dayParameters) = Translate("T_INTERSECTS(install_date, DATE('2024-03-05'))");
        Assert.Equal("(install_date IS NOT NULL AND install_date >= @cql0 AND install_date <= @cql1)", day);
        Assert.Equal([new DateOnly(2024, 3, 5), new DateOnly(2024, 3, 5)], dayParameters);
    }

    [Theory]
    [InlineData("colour = 'red'", 1, "'colour'", "not a queryable")]
    [InlineData("name = 'x' AND area_m2 = 'big'", 16, "'area_m2'", "cannot be compared")]
    [InlineData("area_m2 LIKE '1%'", 1, "'area_m2'", "LIKE applies to text")]
    [InlineData("S_INTERSECTS(name, POINT(1 2))", 14, "'name'", "S_INTERSECTS applies to the geometry")]
    [InlineData("S_INTERSECTS(geometry, POINT(200 2))", 14, "'geometry'", "longitude")]
    [InlineData("S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))", 14, "'geometry'", "not valid")]
    [InlineData("S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0)))", 14, "'geometry'", "closed")]
    [InlineData("geometry = 'x'", 1, "'geometry'", "use S_INTERSECTS")]
    [InlineData("generated > TRUE", 1, "'generated'", "= or <>")]
    [InlineData("T_INTERSECTS(name, DATE('2024-01-01'))", 14, "'name'", "T_INTERSECTS applies")]
    public void A_property_outside_the_allow_list_or_a_literal_of_the_wrong_type_is_refused_at_its_position(string text, int position, string token, string why)
    {
        var error = Refuse(text);
        Assert.Equal(position, error.Position);
        Assert.Equal(token, error.Token);
        Assert.Contains(why, error.Message);
    }
}
