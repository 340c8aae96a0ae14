using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SpatialGrid.Api.Data;

namespace SpatialGrid.Api.Security;

/// <summary>
/// On a fresh database, creates one admin key and writes it to <c>Security:BootstrapAdminKeyFile</c> (mode 600),
/// so the demo start can print it once. Does nothing when an admin key exists or no file is configured.
/// </summary>
public sealed class AdminKeyBootstrap(IServiceProvider services, IOptions<SecurityOptions> options, ILogger<AdminKeyBootstrap> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var file = options.Value.BootstrapAdminKeyFile;
        if (string.IsNullOrWhiteSpace(file)) return;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpatialGridDb>();
        if (await db.ApiClients.AnyAsync(c => c.RevokedAt == null && c.Roles.Contains(Roles.Admin), cancellationToken)) return;
        var (key, prefix, hash) = ApiKeys.Create();
        db.ApiClients.Add(new ApiClient { Name = "local-admin", KeyPrefix = prefix, KeyHash = hash, Roles = [Roles.Admin], CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        await File.WriteAllTextAsync(file, key + "\n", cancellationToken);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        log.LogWarning("Created the first admin API key (prefix {Prefix}) in {File}", prefix, file);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
