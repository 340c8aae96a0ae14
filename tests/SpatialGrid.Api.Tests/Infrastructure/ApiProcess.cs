using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpatialGrid.Api.Tests.Infrastructure;

/// <summary>
/// The API as a process of its own (the build beside the tests), so that a test can kill it with SIGKILL and
/// start it again on the same database, HTTP port and MQTT port.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private Process? _process;
    private readonly string _connectionString;
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"sg-proc-{Guid.NewGuid():N}.key");
    private readonly Dictionary<string, string> _settings;

    public int HttpPort { get; } = FreePort.Next();
    public int MqttPort { get; } = FreePort.Next();
    public Uri Address => new($"http://127.0.0.1:{HttpPort}");
    public string AdminKey => File.ReadAllText(_keyFile).Trim();
    public string Log { get; } = Path.Combine(Path.GetTempPath(), $"sg-proc-{Guid.NewGuid():N}.log");

    public ApiProcess(string connectionString, Dictionary<string, string>? settings = null)
    {
        _connectionString = connectionString;
        _settings = settings ?? [];
    }

    public async Task StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SpatialGrid.Api.dll");
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Urls"] = Address.ToString().TrimEnd('/');
        info.Environment["Database__ConnectionString"] = _connectionString;
        info.Environment["Security__BootstrapAdminKeyFile"] = _keyFile;
        info.Environment["Ingestion__Port"] = MqttPort.ToString();
        info.Environment["Ingestion__BindAddress"] = "127.0.0.1";
        info.Environment["Cases__ColourSweepEnabled"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (k, v) in _settings) info.Environment[k] = v;
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the API");
        var log = File.AppendText(Log);
        log.AutoFlush = true;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the API exited with {_process.ExitCode}: {File.ReadAllText(Log)}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the API did not answer on {Address}: {File.ReadAllText(Log)}");
    }

    /// <summary>SIGKILL: no shutdown, no flushing, no goodbye to the clients.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Add("X-Api-Key", key ?? AdminKey);
        return client;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        File.Delete(_keyFile);
        return ValueTask.CompletedTask;
    }
}
