using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>Request rates per API key (429 with Retry-After), body size per endpoint, event streams per key.</summary>
public sealed class RequestLimitTests(RequestLimitTests.Fixture api) : IClassFixture<RequestLimitTests.Fixture>
{
    public sealed class Fixture : ApiFixture
    {
        // Kestrel, which enforces the body cap (the in-memory test server does not).
        protected override bool RealServer => true;

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Http:RateLimitEnabled"] = "true",
            ["Http:PerKeyPerSecond"] = "1",
            ["Http:PerKeyBurst"] = "5",
            ["Http:PerAddressPerSecond"] = "1000",
            ["Http:PerAddressBurst"] = "100000",
            ["Http:MaxBodyBytes"] = "65536",
            ["Http:MaxEventStreamsPerKey"] = "2",
        };

        public async Task<HttpClient> NewKey(string role)
        {
            var created = await Admin.PostAsJsonAsync("/api/keys", new { name = $"limits {role} {Guid.NewGuid():N}", roles = new[] { role } });
            created.EnsureSuccessStatusCode();
            return WithKey(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
        }
    }

    [Fact]
    public async Task A_key_past_its_burst_gets_429_with_Retry_After_while_another_key_is_served()
    {
        var busy = await api.NewKey("dispatcher");
        var calm = await api.NewKey("dispatcher");
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            var r = await busy.GetAsync("/api/session");
            if (r.StatusCode == HttpStatusCode.TooManyRequests) refused = r;
            else Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.NotNull(refused);
        var problem = await Problem.ExpectAsync(refused!, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Contains("API key", problem.Detail);
        Assert.True(int.Parse(refused!.Headers.GetValues("Retry-After").Single()) >= 1);
        // Another key has its own allowance; health probes are never limited.
        Assert.Equal(HttpStatusCode.OK, (await calm.GetAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/health")).StatusCode);
        // The allowance comes back with time.
        await Task.Delay(2500);
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_cap_of_an_endpoint_without_files_is_413_while_a_file_import_takes_more()
    {
        var desk = await api.NewKey("dispatcher");
        var huge = "{\"classCode\":\"E0502\",\"description\":\"" + new string('x', 200_000) + "\",\"lon\":121.46,\"lat\":31.22}";
        var response = await desk.PostAsync("/api/cases", new StringContent(huge, Encoding.UTF8, "application/json"));
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM cases"));
        // A grid file of 200 KB is read (and judged on its content), not refused for its size.
        var file = Encoding.UTF8.GetBytes("{\"type\":\"FeatureCollection\",\"features\":[]," + "\"pad\":\"" + new string(' ', 200_000) + "\"}");
        var import = await api.Editor.PostAsync("/api/grids/imports", Upload.File(file, "grids.geojson"));
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, import.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, import.StatusCode);
    }

    [Fact]
    public async Task A_key_holds_at_most_its_number_of_event_streams_and_gets_a_slot_back_when_one_closes()
    {
        var screen = await api.NewKey("dispatcher");
        using var first = await screen.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await screen.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await Task.Delay(1100); // the key's request allowance (1 a second, burst 5) is not what is tested here
        var third = await screen.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        var problem = await Problem.ExpectAsync(third, HttpStatusCode.TooManyRequests, "too-many-streams");
        Assert.Contains("2", problem.Detail);
        // Closing a stream frees its slot.
        second.Dispose();
        HttpResponseMessage? again = null;
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(1100);
            again = await screen.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
            if (again.StatusCode == HttpStatusCode.OK) break;
        }
        Assert.Equal(HttpStatusCode.OK, again!.StatusCode);
        again.Dispose();
    }
}

/// <summary>Rates per address: every request from one address counts, with a key or without.</summary>
public sealed class AddressLimitTests(AddressLimitTests.Fixture api) : IClassFixture<AddressLimitTests.Fixture>
{
    public sealed class Fixture : ApiFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Http:RateLimitEnabled"] = "true",
            ["Http:PerAddressPerSecond"] = "1",
            ["Http:PerAddressBurst"] = "40",
        };
    }

    [Fact]
    public async Task An_address_past_its_burst_gets_429_even_for_requests_without_a_key_and_health_stays_reachable()
    {
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 100 && refused is null; i++)
        {
            // Key guessing from one address is slowed the same way.
            var r = await api.Anonymous.GetAsync("/api/session");
            if (r.StatusCode == HttpStatusCode.TooManyRequests) refused = r;
        }
        Assert.NotNull(refused);
        var problem = await Problem.ExpectAsync(refused!, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Contains("address", problem.Detail);
        Assert.True(refused!.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/health")).StatusCode);
    }
}

/// <summary>Every CSV export writes its cells through one writer: no formula, no broken row, whatever a name holds.</summary>
public sealed class CsvFileTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")")]
    [InlineData("+1+1")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\t=1")]
    [InlineData("\r=1")]
    public void A_cell_a_spreadsheet_would_run_is_written_as_text(string hostile)
    {
        var cell = CsvFile.Cell(hostile);
        var value = Unquote(cell);
        Assert.StartsWith("'", value);
        Assert.Equal(hostile, value[1..]);
    }

    [Fact]
    public void Commas_quotes_and_line_breaks_stay_inside_their_cell()
    {
        var csv = new StringBuilder().Row(["a,b", "say \"hi\"", "line\nbreak", "cr\rlf", 1.5, null, "黄浦区"]).ToString();
        Assert.EndsWith("\r\n", csv);
        var cells = Parse(csv);
        Assert.Equal(["a,b", "say \"hi\"", "line\nbreak", "cr\rlf", "1.5", "", "黄浦区"], cells);
    }

    private static string Unquote(string cell) => cell.StartsWith('"') ? cell[1..^1].Replace("\"\"", "\"") : cell;

    /// <summary>An RFC 4180 reader of one record.</summary>
    private static List<string> Parse(string record)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < record.Length; i++)
        {
            var c = record[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < record.Length && record[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < record.Length && record[i + 1] == '\n') { cells.Add(cell.ToString()); return cells; }
            else cell.Append(c);
        }
        throw new InvalidOperationException("no CRLF at the end of the record");
    }
}
