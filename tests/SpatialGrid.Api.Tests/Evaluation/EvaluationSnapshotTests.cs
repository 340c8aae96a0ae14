using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SpatialGrid.Api.Evaluation;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Evaluation;

/// <summary>
/// A review's tables read one snapshot of the period's facts (the same <c>asOf</c>, one read), and a change to a case
/// of the period ends it: the next evaluation counts the change.
/// </summary>
public sealed class EvaluationSnapshotTests(EvaluationSnapshotTests.Fixture api) : IClassFixture<EvaluationSnapshotTests.Fixture>
{
    public sealed class Fixture : ApiFixture
    {
        public SmallCity City { get; } = new("310101", 121.46, 31.22);
        public HttpClient Desk { get; private set; } = null!;

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Evaluation:FactsMaxAgeSeconds"] = "600",
            ["Cases:ColourSweepEnabled"] = "false",
            ["Cases:TaskSweepEnabled"] = "false",
        };

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await ComponentFiles.PublishCity(this, City);
            var created = await Admin.PostAsJsonAsync("/api/keys", new { name = "review desk", roles = new[] { "dispatcher" } });
            Desk = WithKey(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
        }
    }

    private async Task<string> Open()
    {
        var (lon, lat) = api.City.WestPoint;
        var r = await api.Desk.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "snapshot", lon, lat, source = "patrol" });
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("case").GetProperty("number").GetString()!;
    }

    private async Task<(string AsOf, long Opened)> Grid(string query = "by=area&level=grid")
    {
        var table = await ComponentFiles.Json(await api.Desk.GetAsync($"/api/evaluation?{query}"));
        var opened = table.GetProperty("items").EnumerateArray().Where(r => r.GetProperty("key").GetString() == api.City.WestGrid)
            .Select(r => r.GetProperty("indicators").GetProperty("opened").GetProperty("denominator").GetInt64()).FirstOrDefault();
        return (table.GetProperty("asOf").GetString()!, opened);
    }

    [Fact]
    public async Task The_tables_of_a_review_share_one_snapshot_which_a_change_to_a_case_of_the_period_ends()
    {
        await Open();
        var snapshots = api.Factory.Services.GetRequiredService<EvaluationSnapshots>();
        var (asOf, opened) = await Grid();
        Assert.True(opened >= 1);
        // Every tier and the units: the same facts, read once.
        foreach (var query in new[] { "by=area&level=district", "by=area&level=street", "by=unit", "by=area&level=grid" })
        {
            var table = await ComponentFiles.Json(await api.Desk.GetAsync($"/api/evaluation?{query}"));
            Assert.Equal(asOf, table.GetProperty("asOf").GetString());
        }
        // The facts, read once, and the people's snapshot, started meanwhile (a review asks for its people's tables too).
        Assert.Equal(2, snapshots.Count);
        // People and roles: a snapshot of their own, shared the same way.
        var person = await ComponentFiles.Json(await api.Desk.GetAsync("/api/evaluation?by=person"));
        var role = await ComponentFiles.Json(await api.Desk.GetAsync("/api/evaluation?by=role"));
        Assert.Equal(person.GetProperty("asOf").GetString(), role.GetProperty("asOf").GetString());
        Assert.Equal(2, snapshots.Count);

        // A new case of the period ends both: the next evaluation counts it.
        await Open();
        var (after, openedAfter) = await SpatialGrid.Api.Tests.Ingestion.IngestionFixture.Eventually(() => Grid(), r => r.Opened == opened + 1);
        Assert.NotEqual(asOf, after);
        var personAfter = await ComponentFiles.Json(await api.Desk.GetAsync("/api/evaluation?by=person"));
        Assert.NotEqual(person.GetProperty("asOf").GetString(), personAfter.GetProperty("asOf").GetString());
    }
}
