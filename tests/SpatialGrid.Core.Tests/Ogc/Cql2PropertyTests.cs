using System.Text.RegularExpressions;
using CsCheck;
using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Core.Tests.Ogc;

/// <summary>Properties of the CQL2 parsers over random trees and random text.</summary>
public class Cql2PropertyTests
{
    [Fact]
    public void A_random_tree_written_as_text_parses_back_to_the_same_tree()
    {
        Cql2Generators.Expression.Sample(e =>
        {
            var text = Cql2Text.Write(e);
            Assert.True(Cql2Text.TryParse(text, out var back, out var error), $"{text}: {error?.Detail}");
            Assert.Equal(text, Cql2Text.Write(back!));
            Assert.Equal(Cql2Json.Write(e), Cql2Json.Write(back!));
        }, iter: 2000);
    }

    [Fact]
    public void A_random_tree_written_as_json_parses_back_to_the_same_tree()
    {
        Cql2Generators.Expression.Sample(e =>
        {
            var json = Cql2Json.Write(e);
            Assert.True(Cql2Json.TryParse(json, out var back, out var error), $"{json}: {error?.Detail}");
            Assert.Equal(json, Cql2Json.Write(back!));
            Assert.Equal(Cql2Text.Write(e), Cql2Text.Write(back!));
        }, iter: 2000);
    }

    [Fact]
    public void Random_text_is_parsed_or_refused_with_a_position_never_an_exception()
    {
        Gen.String.Sample(text => Check(text), iter: 5000);
        Gen.String[Gen.Char["ab '()=<>,-.0123456789eENOTANDORLIKEINISNULLS_INTERSECTSBBOXPOINTPOLYGONT_INTERSECTSTIMESTAMPDATEINTERVAL\"'"], 0, 60]
            .Sample(text => Check(text), iter: 5000);

        static void Check(string text)
        {
            if (Cql2Text.TryParse(text, out var e, out var error)) Assert.NotNull(e);
            else Assert.InRange(error!.Position!.Value, 1, text.Length + 1);
        }
    }

    [Fact]
    public void A_valid_filter_with_characters_deleted_or_inserted_is_parsed_or_refused_never_an_exception()
    {
        Gen.Select(Cql2Generators.Expression, Gen.Int[0, 1000], Gen.Char, Gen.Bool).Sample((e, at, c, delete) =>
        {
            foreach (var valid in new[] { Cql2Text.Write(e), Cql2Json.Write(e) })
            {
                var i = at % (valid.Length + 1);
                var broken = delete && i < valid.Length ? valid.Remove(i, 1) : valid.Insert(i, c.ToString());
                Cql2Text.TryParse(broken, out _, out _);
                Cql2Json.TryParse(broken, out _, out _);
            }
        }, iter: 3000);
    }

    [Fact]
    public void No_text_of_a_filter_reaches_the_sql_only_queryable_sql_and_parameters()
    {
        Cql2Queryable[] queryables =
        [
            new("name", Cql2Type.String, "name"), new("code", Cql2Type.String, "code"), new("level", Cql2Type.String, "level_name"),
            new("area_m2", Cql2Type.Number, "area_m2"), new("valid_from", Cql2Type.Timestamp, "valid_from"), new("geometry", Cql2Type.Geometry, "geometry"),
        ];
        var allowed = new Regex(@"^(\s|[()<>=,]|AND|OR|NOT|LIKE|IN|BETWEEN|IS|NULL|ST_Intersects|ST_GeomFromText|4326|@cql\d+|name|code|level_name|area_m2|valid_from|geometry)*$");
        Cql2Generators.Expression.Sample(e =>
        {
            if (Cql2Sql.TryTranslate(e, queryables, out var where, out var error))
            {
                Assert.Matches(allowed, where!.Sql);
                Assert.Equal(Regex.Matches(where.Sql, @"@cql\d+").Count, where.Parameters.Count);
            }
            else
            {
                Assert.NotNull(error);
            }
        }, iter: 3000);
    }
}
