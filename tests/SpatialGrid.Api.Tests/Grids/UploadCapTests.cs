using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>
/// Uploads over the cap (here 1 MiB) are refused with 413 problem+json, with or without a Content-Length. A zipped
/// Shapefile's expansion cap (here 256 KiB) counts the bytes its layer's members give as they are read, not the
/// sizes the zip declares, which may lie either way.
/// </summary>
public class UploadCapTests(UploadCapTests.SmallCapApi api) : IClassFixture<UploadCapTests.SmallCapApi>
{
    public sealed class SmallCapApi : ApiFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Grids:MaxUploadBytes"] = (1024 * 1024).ToString(),
            ["Grids:MaxExpandedBytes"] = (256 * 1024).ToString(),
        };
    }

    /// <summary>A body of zeros of any length, produced as it is sent (nothing held in memory).</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_200_MB_upload_is_refused_before_it_is_read()
    {
        var content = new StreamContent(new ZeroStream(200L * 1024 * 1024));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        content.Headers.ContentLength = 200L * 1024 * 1024;
        var response = await api.Editor.PostAsync("/api/grids/imports", content);
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Contains("1,048,576", problem.Detail);
    }

    [Fact]
    public async Task A_file_over_the_cap_without_content_length_is_refused()
    {
        var before = await api.ScalarAsync("SELECT count(*) FROM grids");
        var form = new MultipartFormDataContent();
        var file = new StreamContent(new ZeroStream(3L * 1024 * 1024));
        form.Add(file, "file", "big.geojson");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/grids/imports") { Content = form };
        request.Headers.TransferEncodingChunked = true;
        var response = await api.Editor.SendAsync(request);
        await Problem.ExpectAsync(response, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM grids"));
    }

    private Task<HttpResponseMessage> ImportZip(byte[] zip) => api.Editor.PostAsync("/api/grids/imports", Upload.File(zip, "grids.zip"));

    [Fact]
    public async Task Members_declaring_gigabytes_but_holding_a_few_kilobytes_import()
    {
        var city = new SmallCity("320118", 119.30, 32.30);
        var zip = new ShapefileZip(ShapefileZip.Wgs84).Build(city.Features());
        zip = ShapefileZip.DeclaringSize(ShapefileZip.DeclaringSize(zip, "grids.shp", 3u << 30), "grids.dbf", 3u << 30);
        var response = await ImportZip(zip);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_shp_that_gives_more_than_the_cap_is_stopped_by_the_bytes_read()
    {
        // One district of 20,000 vertices: a .shp of 320 KB, over the cap.
        var ring = new JsonArray();
        for (var i = 0; i < 20_000; i++)
        {
            var a = -2 * Math.PI * i / 20_000;
            ring.Add(new JsonArray(119.41 + 0.01 * Math.Cos(a), 32.31 + 0.01 * Math.Sin(a)));
        }
        ring.Add(ring[0]!.DeepClone());
        var district = SmallCity.Feature("320119", "Round", new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) });
        var zip = new ShapefileZip(ShapefileZip.Wgs84).Build([district]);
        var problem = await Problem.ExpectAsync(await ImportZip(zip), HttpStatusCode.UnprocessableEntity, "too-large");
        Assert.Contains("262,144", problem.Detail);
        Assert.Contains("grids.shp", problem.Detail);
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM grids WHERE code = '320119'"));
    }
}
