using System.Net;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>Gateways, their devices, health and dead letters are shown only for gateways serving only the caller's districts (#23).</summary>
[Collection(ScopeFixture.Collection)]
public sealed class ScopeGatewayTests(ScopeFixture api)
{
    [Fact]
    public async Task Dead_letters_gateways_and_devices_are_shown_only_for_the_gateways_of_the_callers_districts()
    {
        var letters = await api.DeskA.GetStringAsync("/api/dead-letters?pageSize=200");
        Assert.Contains("north-dead-letter", letters);
        foreach (var secret in api.OfB) Assert.DoesNotContain(secret, letters);
        var probed = await ComponentFiles.Json(await api.DeskA.GetAsync("/api/dead-letters?gateway=gw-south"));
        Assert.Equal(0, probed.GetProperty("total").GetInt32());

        var gateways = await api.DeskA.GetStringAsync("/api/gateways");
        Assert.Contains("gw-a", gateways);
        Assert.DoesNotContain("gw-south", gateways);
        foreach (var path in new[] { "/api/gateways/gw-south", "/api/gateways/gw-south/devices", "/api/gateways/gw-south/health" })
            await Problem.ExpectAsync(await api.DeskA.GetAsync(path), HttpStatusCode.NotFound, "gateway-not-found");
        // The city-wide admin still sees them all.
        Assert.Contains("south-dead-letter", await api.Admin.GetStringAsync("/api/dead-letters?pageSize=200"));
    }
}
