using System.Diagnostics;

namespace SpatialGrid.Api.Tests.Infrastructure;

/// <summary>Runs GDAL's command-line tools (gdal-bin, installed by deploy/test.sh) as an outside client of the service.</summary>
public static class Gdal
{
    public static (int Code, string Out, string Err) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} (gdal-bin) is missing: run deploy/test.sh, which installs it");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(); throw new TimeoutException($"{tool} did not finish in 2 minutes"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
