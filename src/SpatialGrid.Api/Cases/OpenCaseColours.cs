using Npgsql;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// Open cases by colour now, for the metrics gauge: counted by the database at most once per <see cref="MaxAge"/>,
/// however often Prometheus (or several of them) scrape. When the database is away the last counts are shown.
/// </summary>
public sealed class OpenCaseColours(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<OpenCaseColours> log)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);
    public static readonly string[] Colours = ["green", "yellow", "red"];

    private readonly Lock _gate = new();
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private Dictionary<string, long> _counts = Colours.ToDictionary(c => c, _ => 0L);

    /// <summary>The counts (every colour present, zero included); called synchronously by the gauge's callback.</summary>
    public IReadOnlyDictionary<string, long> Read()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (now - _readAt < MaxAge) return _counts;
            _readAt = now;
            try
            {
                using var cmd = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/open_by_colour.sql"));
                cmd.CommandTimeout = 5;
                cmd.Parameters.AddWithValue("now", now.ToUniversalTime());
                var counts = Colours.ToDictionary(c => c, _ => 0L);
                using var r = cmd.ExecuteReader();
                while (r.Read()) counts[r.GetString(0)] = r.GetInt64(1);
                _counts = counts;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning("Open cases by colour not counted ({Error}); the gauge shows the last counts", e.Message);
            }
            return _counts;
        }
    }
}
