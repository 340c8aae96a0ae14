using System.Net;
using System.Text;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>Bodies that are not JSON, fields of the wrong type and query values that are not numbers: a precise 400, and the service goes on.</summary>
public class MalformedRequestTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("POST", "/api/cases", "{not json", "request body as JSON")]
    [InlineData("POST", "/api/cases", """{"lon":"abc"}""", "Path: $.lon")]
    [InlineData("POST", "/api/keys", "[1,2,3]", "request body as JSON")]
    [InlineData("PUT", "/api/taxonomy/E0502", """{"district":"310101","dispatchValue":"ten"}""", "dispatchValue")]
    [InlineData("PATCH", "/api/components/3101010108000001", "\u0000\u0001", "request body as JSON")]
    [InlineData("POST", "/api/cases/310101-20261124-0001/actions", """{"action":"accept","version":-1}""", "version")]
    public async Task Malformed_bodies_get_a_precise_problem(string method, string url, string body, string detail)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var problem = await Problem.ExpectAsync(await api.Admin.SendAsync(request), HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains(detail, problem.Detail);
    }

    [Theory]
    [InlineData("/api/grids?page=abc", "page")]
    [InlineData("/api/grids/locate?lon=121&lat=31&at=yesterday", "at")]
    [InlineData("/api/cases?from=someday", "from")]
    public async Task Query_values_of_the_wrong_type_get_a_precise_problem(string url, string parameter)
    {
        var problem = await Problem.ExpectAsync(await api.Admin.GetAsync(url), HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains(parameter, problem.Detail);
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/health")).StatusCode);
    }
}
