using System.Diagnostics;

namespace SpatialGrid.Api.Tests.Infrastructure;

/// <summary>Runs GDAL's command-line tools (gdal-bin, installed by deploy/test.sh) as an outside client of the service.</summary>
public static class Gdal
{
    public static (int Code, string Out, string Err) Run(string tool, params string[] args) => Run([tool, .. args]);

    /// <summary>A GDAL command with environment variables of its own (GDAL_HTTP_HEADERS: the API key).</summary>
    public static (int Code, string Out, string Err) Run(string[] command, params (string Name, string Value)[] environment)
    {
        var tool = command[0];
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} (gdal-bin) is missing: run deploy/test.sh, which installs it");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(); throw new TimeoutException($"{tool} did not finish in 2 minutes"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
