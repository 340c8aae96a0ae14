using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Data;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>Options of the database connection (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>Npgsql connection string; deploy/up.sh sets it through <c>Database__ConnectionString</c>.</summary>
    public string ConnectionString { get; set; } = "Host=127.0.0.1;Port=55432;Username=postgres;Database=spatialgrid";

    /// <summary>Apply EF Core migrations at start-up (on for the demo and tests; off where a migration job runs them).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public static class DatabaseSetup
{
    /// <summary>
    /// The key of the data source for the two hot paths whose every value is checked before it is bound (a tile: three
    /// integers; an alert batch: parsed and checked payloads): its statements are prepared on each pooled connection
    /// after their second use, so a tile or a batch step is not parsed and planned each time.
    /// </summary>
    public const string Prepared = "prepared";

    /// <summary>
    /// Two NpgsqlDataSources with PostGIS types. The shared one (EF Core and the other hand-written SQL) does not
    /// prepare automatically: a data error (22xxx: a NUL, a value too long) in the round trip that auto-prepares a
    /// statement leaves it broken for the next request on that connection (Npgsql's bookkeeping; seen with 10.x), and
    /// those paths take free-form input. Values are checked before the database all the same (StorableText, lengths).
    /// </summary>
    public static IServiceCollection AddSpatialGridDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection("Database"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Database:ConnectionString is required").ValidateOnStart();
        // Resolved lazily from the options, so hosts and tests can set the connection string by configuration.
        services.AddSingleton(sp => Build(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString, prepare: false));
        services.AddKeyedSingleton(Prepared, (sp, _) => Build(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString, prepare: true));
        // The options depend on singletons only: built once, not once per request (that cost each request that
        // asked for a context tens of microseconds before it ran a query).
        services.AddDbContext<SpatialGridDb>((sp, o) => o
            .UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.UseNetTopologySuite())
            .UseSnakeCaseNamingConvention(), optionsLifetime: ServiceLifetime.Singleton);
        return services;
    }

    private static NpgsqlDataSource Build(string connectionString, bool prepare)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // No DISCARD ALL each time a connection goes back to the pool: it cost every short query (a tile, an alert
        // batch) a server-side reset and its prepared statements. The service keeps no session state: advisory locks
        // are transaction-scoped and the LISTEN connections UNLISTEN before they are returned.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (prepare)
        {
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        // No JIT: the service's statements run for milliseconds to a second, and PostgreSQL's cost estimate compiles
        // the ones over large tables at a price higher than their work — a heat tile over a year of a million cases:
        // 660 ms of compiling in a 1,200 ms tile whose work is 260 ms (#21); the evaluation's month of 200,000 cases:
        // 400 ms in a 960 ms read (#22). A connection string that sets jit itself is left as it is.
        if (builder.ConnectionStringBuilder.Options?.Contains("jit", StringComparison.Ordinal) != true)
            builder.ConnectionStringBuilder.Options = (builder.ConnectionStringBuilder.Options + " -c jit=off").Trim();
        builder.UseNetTopologySuite();
        builder.EnableDynamicJson();
        return builder.Build();
    }

    public static async Task MigrateAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart) return;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpatialGridDb>();
        await db.Database.MigrateAsync();
        // The PostGIS types were created by the migration: make both data sources learn them.
        foreach (var source in new[] { app.Services.GetRequiredService<NpgsqlDataSource>(), app.Services.GetRequiredKeyedService<NpgsqlDataSource>(Prepared) })
        {
            await using var conn = await source.OpenConnectionAsync();
            await conn.ReloadTypesAsync();
        }
    }
}
