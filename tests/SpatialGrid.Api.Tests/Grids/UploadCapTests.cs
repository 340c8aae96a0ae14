using System.Net;
using System.Net.Http.Headers;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>Uploads over the cap are refused with 413 problem+json, with or without a Content-Length.</summary>
public class UploadCapTests(UploadCapTests.SmallCapApi api) : IClassFixture<UploadCapTests.SmallCapApi>
{
    public sealed class SmallCapApi : ApiFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Grids:MaxUploadBytes"] = (1024 * 1024).ToString() };
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
        var form = new MultipartFormDataContent();
        var file = new StreamContent(new ZeroStream(3L * 1024 * 1024));
        form.Add(file, "file", "big.geojson");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/grids/imports") { Content = form };
        request.Headers.TransferEncodingChunked = true;
        var response = await api.Editor.SendAsync(request);
        await Problem.ExpectAsync(response, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM grids"));
    }
}
