using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>The sgrid command line against the real service on a loopback port.</summary>
public class CliTests(CliTests.RealApi api) : IClassFixture<CliTests.RealApi>
{
    public sealed class RealApi : ApiFixture
    {
        protected override bool RealServer => true;
    }

    private (int Code, string Out) Run(string key, params string[] args)
    {
        var (code, output) = SgridProcess.Run(api.BaseAddress, key, args);
        return (code, SgridProcess.OneLine(output));
    }

    private async Task<string> EditorKey()
    {
        var created = await api.Admin.PostAsync("/api/keys", new StringContent("""{"name":"cli","roles":["gis-editor"]}""", System.Text.Encoding.UTF8, "application/json"));
        return System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    [Theory]
    [InlineData("grids", "import", "--help")]
    [InlineData("patrols", "--help")]
    [InlineData("--help")]
    public void Help_never_prints_the_api_key_from_the_environment(params string[] args)
    {
        var (_, output) = Run("sgk_secret_from_env_0123456789", args);
        Assert.Contains("--key", output + " --key");
        Assert.DoesNotContain("sgk_secret_from_env", output);
    }

    [Fact]
    public async Task An_import_with_thousands_of_errors_prints_a_few_and_counts_the_rest_by_kind()
    {
        // 300 grids with a five-digit code, which no level has: one error each at least.
        var features = Enumerable.Range(0, 300).Select(i => SmallCity.Feature($"7{i:0000}", $"bad {i}", SmallCity.Box(121.0 + i * 0.001, 31.0, 121.0005 + i * 0.001, 31.0005)));
        var file = Path.Combine(Path.GetTempPath(), $"sg-bad-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(file, SmallCity.Collection(features));
        var (code, output) = Run(await EditorKey(), "grids", "import", file);
        File.Delete(file);
        Assert.Equal(1, code);
        Assert.Contains("the first 50 are shown above", output);
        Assert.DoesNotContain("70299", output);
    }

    [Fact]
    public async Task Gateways_create_prints_the_credentials_once_and_health_reads_them_back()
    {
        var admin = api.Admin.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
        var (code, output) = Run(admin, "gateways", "create", "--id", "cli-gw", "--name", "CLI gateway", "--district", "310120");
        Assert.True(code == 0, output);
        Assert.Contains("sg/v1/gw/cli-gw/alert", output);
        var secret = System.Text.RegularExpressions.Regex.Match(output, @"sgw_[A-Za-z0-9_-]{20,}").Value;
        Assert.NotEmpty(secret);
        // Shown once: the service keeps only hashes.
        Assert.DoesNotContain(secret, await api.Admin.GetStringAsync("/api/gateways/cli-gw"));

        (code, output) = Run(admin, "gateways", "create", "--id", "cli-gw", "--name", "again");
        Assert.Equal(1, code);
        Assert.Contains("exists", output);
        (code, output) = Run(await EditorKey(), "gateways", "create", "--name", "not mine to make");
        Assert.Equal(1, code);
        (code, output) = Run(admin, "gateways", "health", "cli-gw");
        Assert.True(code == 0, output);
        Assert.Contains("stored alerts", output);
        (code, output) = Run(admin, "gateways", "health", "nope");
        Assert.Equal(1, code);
        Assert.Contains("nope", output);
    }

    [Fact]
    public async Task Import_publish_locate_and_export_through_the_cli()
    {
        var key = await EditorKey();
        var city = new SmallCity("310120", 121.50, 30.90);
        var file = Path.Combine(Path.GetTempPath(), $"sg-cli-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(file, city.GeoJson());

        var (code, output) = Run(key, "grids", "import", file);
        Assert.True(code == 0, output);
        Assert.Contains("(draft)", output);
        var version = System.Text.RegularExpressions.Regex.Match(output, @"version (\d+)").Groups[1].Value;

        (code, output) = Run(key, "grids", "publish", version);
        Assert.True(code == 0, output);

        var (lon, lat) = city.WestPoint;
        (code, output) = Run(key, "grids", "locate", lon.ToString(System.Globalization.CultureInfo.InvariantCulture), lat.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(code == 0, output);
        Assert.Contains(city.WestGrid, output);

        var exported = Path.Combine(Path.GetTempPath(), $"sg-cli-{Guid.NewGuid():N}.geojson");
        (code, output) = Run(key, "grids", "export", "--prefix", city.District, "-o", exported);
        Assert.True(code == 0, output);
        Assert.Contains(city.EastGrid, await File.ReadAllTextAsync(exported));
    }

    [Fact]
    public async Task A_bad_file_fails_with_a_table_of_errors_and_exit_code_1()
    {
        var key = await EditorKey();
        var city = new SmallCity("310151", 121.60, 31.60);
        var file = Path.Combine(Path.GetTempPath(), $"sg-cli-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(file, city.GeoJson().Replace(city.EastGrid, "31015100200100X"));
        var (code, output) = Run(key, "grids", "import", file);
        Assert.Equal(1, code);
        Assert.Contains("bad-code", output);
        Assert.Contains("nothing was written", output);
    }

    [Fact]
    public void Without_a_key_the_cli_says_how_to_get_one()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sg-cli-{Guid.NewGuid():N}.geojson");
        File.WriteAllText(file, new SmallCity("310151", 121.60, 31.60).GeoJson());
        var (code, output) = Run("", "grids", "import", file);
        Assert.Equal(1, code);
        Assert.Contains("sgrid keys create", output);
    }
}
