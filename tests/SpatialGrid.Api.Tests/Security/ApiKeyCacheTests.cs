using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SpatialGrid.Api.Security;

namespace SpatialGrid.Api.Tests.Security;

public class ApiKeyCacheTests
{
    private readonly FakeTimeProvider time = new();
    private ApiKeyCache Cache(int seconds = 5) => new(Options.Create(new SecurityOptions { KeyCacheSeconds = seconds }), time);
    private static Claim[] Claims(string name) => [new(ClaimTypes.Name, name), new(ClaimTypes.Role, Roles.Dispatcher), new(CallerScope.ClaimType, "310101")];
    private const string Key = "sgk_0123abcd_secretsecretsecretsecretsecret";

    [Fact]
    public void An_accepted_key_is_known_with_its_claims_until_its_seconds_are_up()
    {
        var cache = Cache();
        Assert.Null(cache.Find(Key));
        cache.Remember(Key, Claims("dispatch desk"));
        var principal = cache.Find(Key);
        Assert.NotNull(principal);
        Assert.Equal("dispatch desk", principal.Identity!.Name);
        Assert.True(principal.IsInRole(Roles.Dispatcher));
        Assert.Equal(ApiKeyAuthenticationHandler.Scheme, principal.Identity.AuthenticationType);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.NotNull(cache.Find(Key));
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Null(cache.Find(Key));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Another_key_with_the_same_prefix_is_not_the_cached_one()
    {
        var cache = Cache();
        cache.Remember(Key, Claims("a"));
        Assert.Null(cache.Find(Key + "x"));
        Assert.Null(cache.Find("sgk_0123abcd_other"));
    }

    [Fact]
    public void Clearing_forgets_every_key_and_zero_seconds_keeps_none()
    {
        var cache = Cache();
        cache.Remember(Key, Claims("a"));
        cache.Clear();
        Assert.Null(cache.Find(Key));
        var off = Cache(0);
        Assert.False(off.Enabled);
        off.Remember(Key, Claims("a"));
        Assert.Null(off.Find(Key));
        Assert.Equal(0, off.Count);
    }

    [Fact]
    public void Each_request_gets_its_own_principal_and_the_cache_is_bounded()
    {
        var cache = Cache();
        cache.Remember(Key, Claims("a"));
        var first = cache.Find(Key)!;
        ((ClaimsIdentity)first.Identity!).AddClaim(new Claim(ClaimTypes.Role, Roles.Admin));
        Assert.False(cache.Find(Key)!.IsInRole(Roles.Admin));
        for (var i = 0; i < ApiKeyCache.MaxEntries + 5; i++) cache.Remember($"sgk_0123abcd_k{i}", Claims("k"));
        Assert.InRange(cache.Count, 1, ApiKeyCache.MaxEntries);
    }
}
