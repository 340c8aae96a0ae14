using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SpatialGrid.DeviceSim;

/// <summary>How a run publishes.</summary>
public sealed record RunOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    /// <summary>Messages a second over the whole fleet (0: as fast as acknowledgements allow).</summary>
    public double Rate { get; init; } = 1000;
    /// <summary>Messages in all; divided among the gateways.</summary>
    public int Count { get; init; } = 10_000;
    /// <summary>Messages a gateway keeps unacknowledged at once.</summary>
    public int InFlight { get; init; } = 32;
    /// <summary>Share of malformed, unknown-device or swapped messages.</summary>
    public double Bad { get; init; } = 0.01;
    /// <summary>Share of messages sent twice with the same msgId (a device that missed its PUBACK).</summary>
    public double Repeat { get; init; } = 0.02;
    /// <summary>Bursts: a third of the run at five times the rate, as during a rain storm (flood sensors fire).</summary>
    public bool Storm { get; init; }
    public MqttProtocolVersion Protocol { get; init; } = MqttProtocolVersion.V500;
    /// <summary>Topic prefix; a shared-subscription test uses the same.</summary>
    public string TopicRoot { get; init; } = "sg/v1/gw";
}

/// <summary>What one message did.</summary>
public enum Sent : byte
{
    NotYet = 0,
    Acked = 1,
    Refused = 2,
}

/// <summary>One run's outcome as the devices saw it.</summary>
public sealed class RunResult
{
    public required string[] Gateways;
    /// <summary>The prefix of this run's msgIds.</summary>
    public required string Nonce;
    /// <summary>When the run began: the reconciliation reads what the service received since.</summary>
    public DateTimeOffset Started = DateTimeOffset.UtcNow;
    public required string[] MsgIds;
    public required int[] GatewayOf;
    public required bool[] IsBad;
    public required Sent[] Outcome;
    public required double[] LatencyMs;
    public long Retries;
    public long Reconnects;
    public long RepeatsSent;
    public TimeSpan Elapsed;

    public int Good => IsBad.Count(b => !b);
    public int AckedGood => Enumerable.Range(0, MsgIds.Length).Count(i => !IsBad[i] && Outcome[i] == Sent.Acked);

    public string Summary()
    {
        var lat = LatencyMs.Where(l => l > 0).Order().ToArray();
        double P(double q) => lat.Length == 0 ? 0 : lat[Math.Min(lat.Length - 1, (int)(lat.Length * q))];
        var acked = Outcome.Count(o => o != Sent.NotYet);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"sent {MsgIds.Length:N0} messages ({IsBad.Count(b => b):N0} bad, {RepeatsSent:N0} repeated msgIds) from {Gateways.Length} gateways in {Elapsed.TotalSeconds:0.0} s: " +
            $"{acked / Elapsed.TotalSeconds:N0} acknowledged/s; alert-to-commit p50 {P(0.5):0.0} ms, p95 {P(0.95):0.0} ms, p99 {P(0.99):0.0} ms, max {P(1):0.0} ms; {Retries:N0} resends after {Reconnects:N0} reconnections; unacknowledged {MsgIds.Length - acked:N0}");
    }
}

/// <summary>
/// Publishes a fleet's alerts at a given rate with a realistic mix, keeping a window of messages in flight per
/// gateway, timing each from send to PUBACK (which the service sends only after the commit). A lost connection
/// is re-established and every unacknowledged message is sent again with its msgId: at-least-once from the device.
/// </summary>
public static class Publisher
{
    public static async Task<RunResult> RunAsync(FleetState fleet, RunOptions o, TextWriter log, CancellationToken ct, Action<int>? onAck = null)
    {
        var g = fleet.Gateways.Count;
        var n = o.Count;
        var nonce = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)).ToLowerInvariant() + "-";
        var result = new RunResult
        {
            Nonce = nonce,
            Gateways = fleet.Gateways.Select(x => x.Id).ToArray(),
            MsgIds = new string[n], GatewayOf = new int[n], IsBad = new bool[n], Outcome = new Sent[n], LatencyMs = new double[n],
        };
        var random = new Random(7);
        var payloads = new byte[n][];
        for (var i = 0; i < n; i++)
        {
            var gw = i % g;
            var gateway = fleet.Gateways[gw];
            var device = gateway.Devices[random.Next(gateway.Devices.Count)];
            // Unique across runs of the same fleet: a rerun must not be absorbed as redeliveries of the last one.
            var msgId = $"{nonce}{i}";
            result.MsgIds[i] = msgId;
            result.GatewayOf[i] = gw;
            var bad = random.NextDouble() < o.Bad;
            result.IsBad[i] = bad;
            payloads[i] = bad ? BadPayload(random, msgId, device) : Payload(random, msgId, device);
        }

        var acked = 0;
        var watch = Stopwatch.StartNew();
        var perGateway = o.Rate <= 0 ? 0 : o.Rate / g;
        await Task.WhenAll(fleet.Gateways.Select((gateway, gw) => Task.Run(() => GatewayAsync(gateway, gw), ct)));
        watch.Stop();
        result.Elapsed = watch.Elapsed;
        return result;

        async Task GatewayAsync(SimGateway gateway, int gw)
        {
            var factory = new MqttClientFactory();
            using var client = factory.CreateMqttClient();
            var options = new MqttClientOptionsBuilder().WithTcpServer(o.Host, o.Port).WithCredentials(gateway.Id, gateway.Secret)
                .WithClientId(gateway.Id).WithProtocolVersion(o.Protocol).WithCleanSession(true).WithTimeout(TimeSpan.FromSeconds(10))
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(30)).Build();
            var connect = new SemaphoreSlim(1, 1);
            async Task EnsureConnected()
            {
                await connect.WaitAsync(ct);
                try
                {
                    while (!client.IsConnected)
                    {
                        try
                        {
                            var r = await client.ConnectAsync(options, ct);
                            if (r.ResultCode != MqttClientConnectResultCode.Success) throw new ConnectionRefusedException($"{gateway.Id}: {r.ResultCode}");
                        }
                        // A refusal by the broker ends the run; anything else (a broker restarting, MQTTnet's "connect/disconnect
                        // is pending" after a dropped connection) is tried again.
                        catch (Exception e) when (e is not OperationCanceledException && e is not ConnectionRefusedException)
                        {
                            await Task.Delay(200, ct);
                            Interlocked.Increment(ref result.Reconnects);
                        }
                    }
                }
                finally
                {
                    connect.Release();
                }
            }
            await EnsureConnected();
            var window = new SemaphoreSlim(o.InFlight, o.InFlight);
            var topic = $"{o.TopicRoot}/{gateway.Id}/alert";
            var mine = Enumerable.Range(0, n).Where(i => result.GatewayOf[i] == gw).ToArray();
            var pending = new List<Task>(mine.Length);
            var start = Stopwatch.GetTimestamp();
            var sentHere = 0;
            foreach (var i in mine)
            {
                if (perGateway > 0)
                {
                    // Pace: the storm runs the middle third at five times the rate.
                    var due = o.Storm ? StormSchedule(sentHere, mine.Length, perGateway) : sentHere / perGateway;
                    var wait = due - Stopwatch.GetElapsedTime(start).TotalSeconds;
                    if (wait > 0.002) await Task.Delay(TimeSpan.FromSeconds(wait), ct);
                }
                await window.WaitAsync(ct);
                sentHere++;
                pending.Add(SendAsync(i));
                if (Random.Shared.NextDouble() < o.Repeat)
                {
                    // The device resends a message it believes lost: same msgId, absorbed by the service.
                    Interlocked.Increment(ref result.RepeatsSent);
                    await window.WaitAsync(ct);
                    pending.Add(SendAsync(i, repeat: true));
                }
            }
            await Task.WhenAll(pending);
            try { await client.DisconnectAsync(new MqttClientDisconnectOptions(), ct); } catch (Exception) { }

            async Task SendAsync(int i, bool repeat = false)
            {
                try
                {
                    var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payloads[i])
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                    while (true)
                    {
                        var t = Stopwatch.GetTimestamp();
                        try
                        {
                            var r = await client.PublishAsync(message, ct);
                            if (repeat) return;
                            result.LatencyMs[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                            result.Outcome[i] = r.IsSuccess ? Sent.Acked : Sent.Refused;
                            onAck?.Invoke(Interlocked.Increment(ref acked));
                            return;
                        }
                        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            // Not acknowledged: the connection is gone. Send it again, same msgId, once reconnected.
                            Interlocked.Increment(ref result.Retries);
                            await Task.Delay(100, ct);
                            await EnsureConnected();
                        }
                    }
                }
                finally
                {
                    window.Release();
                }
            }
        }
    }

    private static double StormSchedule(int k, int total, double rate)
    {
        // Thirds: rate, 5 × rate, rate.
        var third = total / 3.0;
        if (k < third) return k / rate;
        if (k < 2 * third) return third / rate + (k - third) / (5 * rate);
        return third / rate + third / (5 * rate) + (k - 2 * third) / rate;
    }

    private static byte[] Payload(Random random, string msgId, SimDevice device)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("msgId", msgId);
            w.WriteString("deviceId", device.Id);
            var type = device.Types[random.Next(device.Types.Length)];
            w.WriteString("type", type);
            w.WriteString("severity", random.NextDouble() < 0.1 ? "critical" : "major");
            w.WriteString("observedAt", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
            if (device.Moves)
            {
                // A few metres of GPS noise around its place.
                w.WriteNumber("lon", Math.Round(device.Lon + (random.NextDouble() - 0.5) * 0.0001, 7));
                w.WriteNumber("lat", Math.Round(device.Lat + (random.NextDouble() - 0.5) * 0.0001, 7));
            }
            if (device.Kind == "camera")
            {
                w.WriteNumber("confidence", Math.Round(0.3 + random.NextDouble() * 0.69, 2));
                w.WriteString("media", $"sha256:{random.NextInt64():x16}");
            }
            w.WriteStartObject("props");
            w.WriteNumber("battery", random.Next(20, 100));
            if (type == "flood.depth") w.WriteNumber("depthCm", random.Next(5, 40));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] BadPayload(Random random, string msgId, SimDevice device) => random.Next(3) switch
    {
        0 => Encoding.UTF8.GetBytes($"{{\"msgId\":\"{msgId}\",\"deviceId\":\"{device.Id}\",\"type\":"),
        1 => Encoding.UTF8.GetBytes($"{{\"msgId\":\"{msgId}\",\"deviceId\":\"ghost-{random.Next(1000)}\",\"type\":\"manhole.tilt\",\"observedAt\":\"{DateTimeOffset.UtcNow:O}\"}}"),
        _ => Encoding.UTF8.GetBytes(FormattableString.Invariant(
            $"{{\"msgId\":\"{msgId}\",\"deviceId\":\"{device.Id}\",\"type\":\"{device.Types[0]}\",\"observedAt\":\"{DateTimeOffset.UtcNow:O}\",\"lon\":{device.Lat},\"lat\":{device.Lon}}}")),
    };
}

/// <summary>The broker refused a gateway's connection (bad credentials, not authorised): retrying cannot help.</summary>
public sealed class ConnectionRefusedException(string message) : Exception(message);
