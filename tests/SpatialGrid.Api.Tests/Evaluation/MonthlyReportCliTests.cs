using System.Net.Http.Json;
using System.Text;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Evaluation;

/// <summary><c>sgrid evaluation report --pdf</c> against the real service: the HTML page printed by Chromium headless.</summary>
public sealed class MonthlyReportCliTests(MonthlyReportCliTests.RealApi api) : IClassFixture<MonthlyReportCliTests.RealApi>
{
    /// <summary>The real clock, the small city in 310101 and a case opened now.</summary>
    public sealed class RealApi : ApiFixture
    {
        protected override bool RealServer => true;
        public static readonly SmallCity City = new("310101", 121.47, 31.22);

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Assert.True((await Editor.PostAsync("/api/grids/imports", Upload.GeoJson(City.GeoJson(), ("publish", "true")))).IsSuccessStatusCode);
            var (lon, lat) = City.WestPoint;
            var opened = await Admin.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "报告", lon, lat, source = "hotline" });
            Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        }
    }

    private (int Code, string Out) Run(params string[] args) =>
        SgridProcess.Run(api.BaseAddress, api.Admin.DefaultRequestHeaders.GetValues("X-Api-Key").Single(), args, columns: 250, timeoutSeconds: 180);

    [Fact]
    public void The_report_is_written_as_html_and_printed_to_pdf_by_chromium()
    {
        var html = Path.Combine(Path.GetTempPath(), $"sg-report-{Guid.NewGuid():N}.html");
        var pdf = Path.ChangeExtension(html, ".pdf");
        try
        {
            var (code, output) = Run("evaluation", "report", "--district", "310101", "--html", html, "--pdf", pdf);
            Assert.True(code == 0, output);
            Assert.Contains("数字城管综合评价月报", File.ReadAllText(html));
            var bytes = File.ReadAllBytes(pdf);
            Assert.Equal("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5));
            Assert.True(bytes.Length > 5_000, $"a PDF of {bytes.Length} bytes");
        }
        finally
        {
            File.Delete(html);
            File.Delete(pdf);
        }
    }

    [Fact]
    public void A_bad_district_is_reported_and_nothing_is_written()
    {
        var pdf = Path.Combine(Path.GetTempPath(), $"sg-report-{Guid.NewGuid():N}.pdf");
        var (code, output) = Run("evaluation", "report", "--district", "abc", "--pdf", pdf);
        Assert.Equal(1, code);
        Assert.Contains("6-digit", output);
        Assert.False(File.Exists(pdf));
    }
}
