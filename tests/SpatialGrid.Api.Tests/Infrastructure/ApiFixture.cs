using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace SpatialGrid.Api.Tests.Infrastructure;

/// <summary>
/// The API on its own fresh PostGIS database, one per test class. <see cref="Admin"/> carries the bootstrap admin
/// key, <see cref="Editor"/> a gis-editor key, <see cref="Anonymous"/> none.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    private TestDatabase? _db;
    private string? _keyFile;
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Editor { get; private set; } = null!;
    public string ConnectionString => _db!.ConnectionString;

    /// <summary>Extra configuration for a test class (e.g. a small upload cap).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Replace services for a test class (e.g. a controlled clock).</summary>
    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services) { }

    /// <summary>Serve on a real loopback port (Kestrel) so that outside clients such as GDAL can connect.</summary>
    protected virtual bool RealServer => false;

    /// <summary>The address of the service (a real http://127.0.0.1:port when <see cref="RealServer"/>).</summary>
    public Uri BaseAddress => Anonymous.BaseAddress!;

    public virtual async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _keyFile = Path.Combine(Path.GetTempPath(), $"sg-admin-{Guid.NewGuid():N}.key");
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Database:ConnectionString", _db.ConnectionString);
            b.UseSetting("Security:BootstrapAdminKeyFile", _keyFile);
            b.UseSetting("Urls", "http://127.0.0.1:0");
            // The MQTT broker binds a TCP port: only the test classes about ingestion turn it on, each on a port of its own.
            b.UseSetting("Ingestion:Enabled", "false");
            // Sweeps and walks fire thousands of requests a second from one key: the rate limits have a test class of their own.
            b.UseSetting("Http:RateLimitEnabled", "false");
            // Tests change a case and evaluate at once: the evaluation's snapshots have a test class of their own.
            b.UseSetting("Evaluation:FactsMaxAgeSeconds", "0");
            foreach (var (k, v) in Settings) b.UseSetting(k, v);
            Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(b, ConfigureServices);
        });
        if (RealServer)
        {
            Factory.UseKestrel();
            Factory.StartServer();
        }
        Anonymous = Factory.CreateClient();
        Admin = WithKey((await File.ReadAllTextAsync(_keyFile)).Trim());
        var created = await Admin.PostAsJsonAsync("/api/keys", new { name = "test-editor", roles = new[] { "gis-editor" } });
        created.EnsureSuccessStatusCode();
        Editor = WithKey((await created.Content.ReadFromJsonAsync<CreatedKey>())!.Key);
    }

    public HttpClient WithKey(string key)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
        if (_keyFile is not null) File.Delete(_keyFile);
    }

    private sealed record CreatedKey(long Id, string Key);
}

/// <summary>Builds multipart uploads for the import endpoints.</summary>
public static class Upload
{
    public static MultipartFormDataContent File(byte[] content, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    public static MultipartFormDataContent GeoJson(string json, params (string Name, string Value)[] fields) =>
        File(System.Text.Encoding.UTF8.GetBytes(json), "grids.geojson", fields);
}
