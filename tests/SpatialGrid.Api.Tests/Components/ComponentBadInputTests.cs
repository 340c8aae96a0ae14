using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;
using static SpatialGrid.Api.Tests.Components.ComponentFiles;

namespace SpatialGrid.Api.Tests.Components;

/// <summary>Every bad component gets a precise error naming its feature, and nothing of the file is written.</summary>
public class ComponentBadInputTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly SmallCity City = new("310101", 121.46, 31.22);

    private async Task<Problem> ExpectErrors(params JsonObject[] features)
    {
        if (await api.ScalarAsync("SELECT count(*) FROM grids") == 0) await PublishCity(api, City);
        var before = await api.ScalarAsync("SELECT count(*) FROM components");
        var (wx, wy) = City.WestPoint;
        // A good feature rides along: it must not be written either.
        var response = await Import(api, [Feature("0108", Point(wx, wy)), .. features]);
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.UnprocessableEntity, "component-import-invalid");
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM components"));
        return problem;
    }

    private static (double, double) In => City.EastPoint;

    [Fact]
    public async Task Unknown_and_event_classes_are_refused()
    {
        var (x, y) = In;
        var problem = await ExpectErrors(Feature("9999", Point(x, y)), Feature("E0502", Point(x, y)), Feature(null, Point(x, y)));
        Assert.Equal([("unknown-class", 1), ("not-a-component-class", 2), ("missing-class", 3)], problem.Errors.Select(e => (e.Kind, e.Feature ?? -1)));
    }

    [Fact]
    public async Task A_point_for_a_polygon_class_is_refused()
    {
        var (x, y) = In;
        var error = Assert.Single((await ExpectErrors(Feature("0401", Point(x, y)))).Errors);
        Assert.Equal("unsupported-geometry", error.Kind);
        Assert.Contains("Polygon", error.Message);
    }

    [Fact]
    public async Task Attributes_that_are_not_an_object_are_refused()
    {
        var (x, y) = In;
        var problem = await ExpectErrors(Feature("0108", Point(x, y), attributes: JsonValue.Create("height=8m")), Feature("0108", Point(x, y), attributes: new JsonArray(1, 2)));
        Assert.All(problem.Errors, e => Assert.Equal("bad-attributes", e.Kind));
        Assert.Contains("string", problem.Errors[0].Message);
        Assert.Contains("array", problem.Errors[1].Message);
    }

    [Fact]
    public async Task Duplicate_codes_in_the_file_and_in_the_database_are_refused()
    {
        var (x, y) = In;
        var duplicateInFile = await ExpectErrors(Feature("0108", Point(x, y), code: "3101010108000500"), Feature("0108", Point(x, y), code: "3101010108000500"));
        Assert.Equal("duplicate-code", Assert.Single(duplicateInFile.Errors).Kind);

        (await Import(api, [Feature("0108", Point(x, y), code: "3101010108000600")])).EnsureSuccessStatusCode();
        var duplicateInDb = await ExpectErrors(Feature("0108", Point(x, y), code: "3101010108000600"));
        Assert.Contains("already exists", Assert.Single(duplicateInDb.Errors).Message);
    }

    [Theory]
    [InlineData("31010101080005", "bad-code")]
    [InlineData("310101010800050A", "bad-code")]
    [InlineData("3101010302000500", "class-mismatch")]
    public async Task Bad_codes_are_refused(string code, string kind)
    {
        var (x, y) = In;
        Assert.Equal(kind, Assert.Single((await ExpectErrors(Feature("0108", Point(x, y), code: code))).Errors).Kind);
    }

    [Fact]
    public async Task Bad_status_and_geometry_cases_of_the_grid_import_are_refused()
    {
        var (x, y) = In;
        var problem = await ExpectErrors(
            Feature("0108", Point(x, y), status: "shiny"),
            Feature("0108", Point(y, x)),
            Feature("0108", null),
            Feature("0501", Line((x, y), (x, y))),
            Feature("0401", SmallCity.Polygon((121.45, 31.22), (121.46, 31.24), (121.46, 31.22), (121.45, 31.24), (121.45, 31.22))));
        Assert.Equal(["bad-status", "bad-coordinates", "missing-geometry", "invalid-geometry", "invalid-geometry"], problem.Errors.Select(e => e.Kind));
    }

    [Fact]
    public async Task Without_a_code_a_component_outside_every_grid_cannot_be_placed()
    {
        var error = Assert.Single((await ExpectErrors(Feature("0108", Point(121.30, 31.30)))).Errors);
        Assert.Equal("outside-grids", error.Kind);
    }

    [Fact]
    public async Task Bad_changes_and_queries_get_precise_problems()
    {
        if (await api.ScalarAsync("SELECT count(*) FROM grids") == 0) await PublishCity(api, City);
        var (x, y) = In;
        (await Import(api, [Feature("0108", Point(x, y), code: "3101010108000900")])).EnsureSuccessStatusCode();
        await Problem.ExpectAsync(await api.Editor.PatchAsJsonAsync("/api/components/3101010108000900", new { status = "shiny" }), HttpStatusCode.BadRequest, "bad-status");
        await Problem.ExpectAsync(await api.Editor.PatchAsJsonAsync("/api/components/3101010108000900", new { attributes = "x" }), HttpStatusCode.BadRequest, "bad-attributes");
        await Problem.ExpectAsync(await api.Editor.PatchAsJsonAsync("/api/components/3101010108000900",
            new { geometry = new { type = "LineString", coordinates = new[] { new[] { x, y }, new[] { x + 0.001, y } } } }), HttpStatusCode.BadRequest, "unsupported-geometry");
        await Problem.ExpectAsync(await api.Editor.PatchAsJsonAsync("/api/components/3101010108999999", new { status = "lost" }), HttpStatusCode.NotFound, "component-not-found");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/components?bbox=1,2,3"), HttpStatusCode.BadRequest, "bad-bbox");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/components?class=abc"), HttpStatusCode.BadRequest, "bad-class");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/components?grid=x1"), HttpStatusCode.BadRequest, "bad-grid");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/components?status=new"), HttpStatusCode.BadRequest, "bad-status");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/grids/310101999/inventory"), HttpStatusCode.NotFound, "grid-not-found");
        await Problem.ExpectAsync(await api.Anonymous.PostAsync("/api/components/imports", Upload.GeoJson("{}")), HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
