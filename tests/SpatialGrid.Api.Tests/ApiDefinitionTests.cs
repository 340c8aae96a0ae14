using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests;

/// <summary>The OpenAPI document describes every endpoint, including what some endpoints read by hand.</summary>
public class ApiDefinitionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<JsonElement> PathsAsync() =>
        JsonDocument.Parse(await api.Anonymous.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths").Clone();

    [Fact]
    public async Task Every_operation_has_a_summary_and_a_tag()
    {
        var missing = new List<string>();
        var count = 0;
        foreach (var path in (await PathsAsync()).EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                count++;
                if (!op.Value.TryGetProperty("summary", out var s) || string.IsNullOrWhiteSpace(s.GetString())) missing.Add($"{op.Name} {path.Name}: no summary");
                if (!op.Value.TryGetProperty("tags", out var t) || t.GetArrayLength() == 0) missing.Add($"{op.Name} {path.Name}: no tag");
            }
        }
        Assert.True(count > 50, $"{count} operations");
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("/api/hotspots/train", "post", "400 401 403 409 422 429")]
    [InlineData("/api/hotspots/scores", "get", "400 401 403 404 429")]
    [InlineData("/api/hotspots/recommendations", "get", "400 401 403 404 429")]
    public async Task An_endpoint_s_own_errors_are_listed_beside_those_every_endpoint_of_its_kind_answers(string path, string method, string statuses)
    {
        var responses = (await PathsAsync()).GetProperty(path).GetProperty(method).GetProperty("responses");
        foreach (var status in statuses.Split(' '))
        {
            Assert.True(responses.TryGetProperty(status, out var answer), $"{method} {path} does not list {status}");
            Assert.True(answer.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{status} is not problem+json");
            Assert.False(string.IsNullOrWhiteSpace(answer.GetProperty("description").GetString()));
        }
    }

    [Theory]
    [InlineData("/api/grids/imports", "multipart/form-data", "file")]
    [InlineData("/api/components/imports", "multipart/form-data", "file")]
    [InlineData("/open311/v2/requests.json", "application/x-www-form-urlencoded", "service_code")]
    public async Task Forms_read_by_hand_are_described(string path, string mediaType, string requiredField)
    {
        var body = (await PathsAsync()).GetProperty(path).GetProperty("post").GetProperty("requestBody");
        var schema = body.GetProperty("content").GetProperty(mediaType).GetProperty("schema");
        Assert.Contains(requiredField, schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.True(schema.GetProperty("properties").GetProperty(requiredField).TryGetProperty("description", out _));
        if (requiredField == "file") Assert.Equal("binary", schema.GetProperty("properties").GetProperty("file").GetProperty("format").GetString());
    }

    [Fact]
    public async Task A_single_component_is_described_as_a_geojson_feature_with_its_crs()
    {
        var post = (await PathsAsync()).GetProperty("/api/components").GetProperty("post");
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/geo+json", out _));
        Assert.Contains("crs", post.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }
}
