using System.Collections.Concurrent;
using System.Reflection;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>Hand-written SQL kept as .sql files beside each capability and embedded at build time.</summary>
public static class SqlFiles
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    /// <summary>Loads e.g. <c>Grids/Sql/locate_at.sql</c> by its path under the project.</summary>
    public static string Get(string path) => Cache.GetOrAdd(path, static p =>
    {
        var name = "SpatialGrid.Api." + p.Replace('/', '.');
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded SQL {name} not found");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
