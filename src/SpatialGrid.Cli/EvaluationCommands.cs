using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary>
/// <c>sgrid evaluation report</c>: the district's monthly evaluation report, as the API's HTML page and, with <c>--pdf</c>,
/// printed to PDF by a real browser engine (Chromium headless), so the PDF is exactly the page that prints.
/// </summary>
public static class EvaluationCommands
{
    public static Command Create()
    {
        var evaluation = new Command("evaluation", "The standard's evaluation (综合评价): the monthly report of a district");
        evaluation.Options.Add(ApiConnection.Api);
        evaluation.Options.Add(ApiConnection.Key);
        var district = new Option<string>("--district") { Description = "The district's 6-digit code", Required = true };
        var period = new Option<string?>("--period") { Description = "The month, YYYY-MM (default: this month)" };
        var html = new Option<FileInfo?>("--html") { Description = "Write the HTML page here" };
        var pdf = new Option<FileInfo?>("--pdf") { Description = "Print the page to this PDF with Chromium (headless)" };
        var chromium = new Option<string>("--chromium")
        {
            Description = "The Chromium (or Chrome) binary for --pdf",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SGRID_CHROMIUM") ?? "chromium",
        };
        var report = new Command("report", "Fetch the monthly report of a district; --html and/or --pdf to write it") { district, period, html, pdf, chromium };
        report.SetAction(async (parse, ct) =>
        {
            using var client = ApiConnection.Client(parse);
            var query = $"api/evaluation/report?district={Uri.EscapeDataString(parse.GetValue(district)!)}" +
                (parse.GetValue(period) is { } p ? $"&period={Uri.EscapeDataString(p)}" : "");
            var response = await client.GetAsync(query, ct);
            if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            var page = await response.Content.ReadAsStringAsync(ct);
            var htmlFile = parse.GetValue(html);
            var pdfFile = parse.GetValue(pdf);
            if (htmlFile is null && pdfFile is null)
            {
                Console.Write(page);
                return 0;
            }
            if (htmlFile is not null)
            {
                await File.WriteAllTextAsync(htmlFile.FullName, page, ct);
                AnsiConsole.MarkupLineInterpolated($"[green]wrote {htmlFile.FullName}[/]");
            }
            if (pdfFile is null) return 0;
            var source = htmlFile?.FullName ?? Path.Combine(Path.GetTempPath(), $"sgrid-report-{Guid.NewGuid():N}.html");
            if (htmlFile is null) await File.WriteAllTextAsync(source, page, ct);
            try
            {
                return await PrintAsync(parse.GetValue(chromium)!, source, pdfFile.FullName, ct);
            }
            finally
            {
                if (htmlFile is null) File.Delete(source);
            }
        });
        evaluation.Subcommands.Add(report);
        return evaluation;
    }

    /// <summary>Chromium's own print to PDF (A4 and margins come from the page's @page rule; no header or footer added).</summary>
    private static async Task<int> PrintAsync(string chromium, string html, string pdf, CancellationToken ct)
    {
        var profile = Path.Combine(Path.GetTempPath(), $"sgrid-chromium-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", $"--user-data-dir={profile}",
                $"--print-to-pdf={pdf}", new Uri(html).AbsoluteUri,
            },
        };
        try
        {
            File.Delete(pdf);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("no process");
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0 || !File.Exists(pdf) || new FileInfo(pdf).Length == 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Chromium did not print the PDF (exit {process.ExitCode})[/]: {(await errors).Trim()}");
                return 1;
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]cannot run '{chromium}'[/]: {e.Message}; install Chromium or pass --chromium");
            return 1;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        AnsiConsole.MarkupLineInterpolated($"[green]wrote {pdf}[/] ({new FileInfo(pdf).Length:N0} bytes)");
        return 0;
    }
}
