using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Ingestion;

/// <summary>The embedded broker speaks MQTT 3.1.1 as well as 5, and TLS on its second listener.</summary>
public sealed class BrokerProtocolTests(BrokerProtocolTests.Fixture api) : IClassFixture<BrokerProtocolTests.Fixture>
{
    public sealed class Fixture : IngestionFixture
    {
        public int TlsPort { get; } = FreePort.Next();
        public string CertificateFile { get; } = Path.Combine(Path.GetTempPath(), $"sg-broker-{Guid.NewGuid():N}.pfx");

        public Fixture()
        {
            // A self-signed certificate for 127.0.0.1, as a district would install its own.
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=spatialgrid-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllBytes(CertificateFile, certificate.Export(X509ContentType.Pfx, "test"));
        }

        protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Ingestion:TlsPort"] = TlsPort.ToString(),
            ["Ingestion:CertificatePath"] = CertificateFile,
            ["Ingestion:CertificatePassword"] = "test",
        };
    }

    [Fact]
    public async Task An_MQTT_3_1_1_gateway_is_served_and_acknowledged_after_the_commit()
    {
        using var client = await api.ConnectAsync("gw-a", api.SecretA, MqttProtocolVersion.V311);
        var alert = IngestionFixture.Alert("mh-1", "manhole.gas");
        var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", alert);
        Assert.True(ack.IsSuccess);
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM alerts WHERE msg_id = '{alert["msgId"]}'"));
    }

    [Fact]
    public async Task An_MQTT_5_client_that_leaves_its_id_to_the_broker_gets_one()
    {
        // mosquitto_pub and others connect with an empty client id; the broker assigns one.
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", api.MqttPort).WithCredentials("gw-b", api.SecretB)
            .WithClientId("").WithProtocolVersion(MqttProtocolVersion.V500).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.StartsWith("gw-b-", result.AssignedClientIdentifier);
        var alert = IngestionFixture.Alert("mh-9", "bin.full");
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", alert)).IsSuccess);
    }

    [Fact]
    public async Task A_gateway_can_connect_over_TLS()
    {
        var expected = X509CertificateLoader.LoadPkcs12FromFile(api.CertificateFile, "test").GetCertHashString();
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", api.TlsPort).WithCredentials("gw-b", api.SecretB)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            // Pinned: the test trusts exactly the certificate the broker was given.
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e => e.Certificate.GetCertHashString() == expected))
            .Build();
        var result = await client.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        var alert = IngestionFixture.Alert("mh-9", "smoke.alarm");
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", alert)).IsSuccess);
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM alerts WHERE msg_id = '{alert["msgId"]}'"));
    }
}
