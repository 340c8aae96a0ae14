using Npgsql;

namespace SpatialGrid.Api.Tests.Infrastructure;

/// <summary>
/// A fresh PostGIS database on the cluster deploy/test.sh started (SG_TEST_PG), dropped afterwards.
/// Without that cluster the tests fail loudly: they are never skipped.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public string ConnectionString { get; }
    private readonly string _server;
    private readonly string _name;

    private TestDatabase(string server, string name)
    {
        _server = server;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ToString();
    }

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("SG_TEST_PG")
            ?? throw new InvalidOperationException("SG_TEST_PG is not set: run the tests with deploy/test.sh, which starts PostGIS and sets it");
        var name = "sgt_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ToString());
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"cannot reach the test PostGIS at '{server}' ({e.Message}): run the tests with deploy/test.sh", e);
        }
        return new TestDatabase(server, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ToString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
