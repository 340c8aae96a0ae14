using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>
/// The API under a controlled clock (Tuesday 24 November 2026, 10:00 in Shanghai), with the small city published
/// and a dispatcher's key.
/// </summary>
public sealed class CaseFixture : ApiFixture
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, Cst));
    public SmallCity City { get; } = new("310101", 121.46, 31.22);
    public HttpClient Dispatcher { get; private set; } = null!;

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    // The tests run the sweep themselves, at moments of the controlled clock.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Cases:ColourSweepEnabled"] = "false" };

    public async Task Ready()
    {
        if (Dispatcher is not null) return;
        await ComponentFiles.PublishCity(this, City);
        var created = await Admin.PostAsJsonAsync("/api/keys", new { name = "dispatch desk", roles = new[] { "dispatcher" } });
        Dispatcher = WithKey(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
    }
}
