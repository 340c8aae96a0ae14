using System.Diagnostics;

namespace SpatialGrid.Api.Tests.Infrastructure;

/// <summary>Runs the built <c>sgrid</c> command line as a user would, against a service (or none), and returns its exit code and output.</summary>
public static class SgridProcess
{
    /// <summary>The CLI built beside these tests (the same configuration): deploy/test.sh builds the whole solution.</summary>
    public static string Dll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SpatialGrid.sln"))) dir = dir.Parent;
        var configuration = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var path = Path.Combine(dir!.FullName, "src", "SpatialGrid.Cli", "bin", configuration, "net10.0", "sgrid.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution (deploy/test.sh does)");
        return path;
    }

    /// <summary>The repository's root folder (for its data files).</summary>
    public static string Root() => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Dll())!, "..", "..", "..", "..", ".."));

    /// <summary>Standard output then standard error, as the user's terminal shows them (<paramref name="columns"/> wide).</summary>
    public static (int Code, string Out) Run(Uri? api, string? key, IEnumerable<string> args, int columns = 200, int timeoutSeconds = 120)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Dll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (api is not null) psi.Environment["SGRID_API"] = api.ToString();
        if (key is not null) psi.Environment["SGRID_KEY"] = key;
        psi.Environment["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(timeoutSeconds * 1000), "sgrid did not finish");
        return (p.ExitCode, output.Result + error.Result);
    }

    /// <summary>The output with every run of white space made one space (Spectre wraps and pads its lines).</summary>
    public static string OneLine(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
}
