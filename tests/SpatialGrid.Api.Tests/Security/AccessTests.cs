using System.Net;
using System.Net.Http.Json;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Security;

public class AccessTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static MultipartFormDataContent AnyImport() => Upload.GeoJson(new SmallCity("310117", 121.22, 31.00).GeoJson());

    [Fact]
    public async Task Anonymous_writes_are_refused_with_401_problem()
    {
        var problem = await Problem.ExpectAsync(await api.Anonymous.PostAsync("/api/grids/imports", AnyImport()), HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("sgrid keys create", problem.Detail);
    }

    [Fact]
    public async Task A_401_offers_the_key_and_basic_with_the_key_as_password_and_basic_is_accepted()
    {
        var anonymous = await api.Anonymous.GetAsync("/api/session");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var schemes = anonymous.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
        Assert.Equal(["ApiKey", "Basic"], schemes);
        Assert.Contains("realm=", anonymous.Headers.WwwAuthenticate.Single(h => h.Scheme == "Basic").Parameter);
        // A wrong key is challenged the same way.
        var wrong = await api.WithKey("sgk_00000000_wrong").GetAsync("/api/session");
        Assert.Equal(["ApiKey", "Basic"], wrong.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList());
        // The case layer of the tiles asks the same.
        var tile = await api.Anonymous.GetAsync("/tiles/cases/0/0/0.pbf");
        Assert.Equal(HttpStatusCode.Unauthorized, tile.StatusCode);
        Assert.Equal(["ApiKey", "Basic"], tile.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList());
        // A browser's script is offered the key only: a Basic challenge would raise the browser's own password dialog.
        using var fetch = new HttpRequestMessage(HttpMethod.Get, "/api/session") { Headers = { { "Sec-Fetch-Mode", "cors" } } };
        Assert.Equal(["ApiKey"], (await api.Anonymous.SendAsync(fetch)).Headers.WwwAuthenticate.Select(h => h.Scheme).ToList());
        // What Basic offers works: the admin key as the password, any user name.
        var adminKey = api.Admin.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        basic.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("anyone:" + adminKey)));
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.SendAsync(basic)).StatusCode);
    }

    [Fact]
    public async Task A_wrong_or_malformed_key_is_refused()
    {
        await Problem.ExpectAsync(await api.WithKey("sgk_00000000_wrong").PostAsync("/api/grids/imports", AnyImport()), HttpStatusCode.Unauthorized, "unauthenticated");
        var malformed = await Problem.ExpectAsync(await api.WithKey("' OR 1=1 --").PostAsync("/api/grids/imports", AnyImport()), HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("malformed", malformed.Detail);
    }

    [Fact]
    public async Task A_key_without_the_gis_editor_role_is_forbidden()
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "dispatch desk", roles = new[] { "dispatcher" } });
        var key = (await created.Content.ReadFromJsonAsync<Created>())!.Key;
        await Problem.ExpectAsync(await api.WithKey(key).PostAsync("/api/grids/imports", AnyImport()), HttpStatusCode.Forbidden, "forbidden");
        await Problem.ExpectAsync(await api.Editor.GetAsync("/api/keys"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_revoked_key_stops_working()
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "temp", roles = new[] { "gis-editor" } });
        var body = (await created.Content.ReadFromJsonAsync<Created>())!;
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/keys/{body.Id}")).StatusCode);
        await Problem.ExpectAsync(await api.WithKey(body.Key).PostAsync("/api/grids/imports", AnyImport()), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_key_revoked_right_after_use_stops_at_once()
    {
        // Accepted keys are remembered for a few seconds (ApiKeyCache): a revocation must not wait for them.
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "used then revoked", roles = new[] { "dispatcher" } });
        var body = (await created.Content.ReadFromJsonAsync<Created>())!;
        var caller = api.WithKey(body.Key);
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/keys/{body.Id}")).StatusCode);
        await Problem.ExpectAsync(await caller.GetAsync("/api/session"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Keys_are_stored_hashed_never_in_clear()
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "hash check", roles = new[] { "planner" } });
        var body = (await created.Content.ReadFromJsonAsync<Created>())!;
        Assert.Equal(0, await api.ScalarAsync($"SELECT count(*) FROM api_clients WHERE encode(key_hash, 'escape') LIKE '%{body.Key.Split('_')[2]}%'"));
        var list = await api.Admin.GetStringAsync("/api/keys");
        Assert.DoesNotContain(body.Key, list);
    }

    [Theory]
    [InlineData("""{"name":"","roles":["planner"]}""", "bad-name")]
    [InlineData("""{"name":"x","roles":[]}""", "bad-roles")]
    [InlineData("""{"name":"x","roles":["root"]}""", "bad-roles")]
    public async Task Bad_key_requests_are_refused(string json, string kind)
    {
        var response = await api.Admin.PostAsync("/api/keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await Problem.ExpectAsync(response, HttpStatusCode.BadRequest, kind);
    }

    private sealed record Created(long Id, string Key);
}
