using System.Globalization;
using SpatialGrid.DeviceSim;

// devicesim: a fleet of simulated gateways and devices for SpatialGrid (sensors/README.md).
//   devicesim setup     --api URL --key ADMIN_KEY [--gateways 100] [--devices 10] [--state fleet.json]
//   devicesim run       --api URL --key KEY [--state fleet.json] [--broker 127.0.0.1:1883] [--count 50000] [--rate 20000]
//                       [--inflight 32] [--bad 0.01] [--repeat 0.02] [--storm] [--mqtt 3|5] [--no-reconcile] [--settle SECONDS]
//                       [--minutes M [--chunk-seconds 30] [--reconcile-db CONNECTION]]
var command = args.FirstOrDefault();
var options = Options.Parse(args.Skip(1).ToArray());
if (command is null or "-h" or "--help" || options is null)
{
    Console.Error.WriteLine("""
        devicesim setup --api URL --key ADMIN_KEY [--gateways 100] [--devices 10] [--state fleet.json]
            registers a fleet of gateways and devices placed on the city's components and saves their credentials
        devicesim run --api URL --key KEY [--state fleet.json] [--broker host:port] [--count N] [--rate msgs/s (0: unpaced)]
                      [--inflight N] [--bad 0.01] [--repeat 0.02] [--storm] [--mqtt 5|3] [--no-reconcile] [--settle SECONDS]
            publishes the alerts, prints throughput and latency, then reconciles with the service
            (--settle: behind an external broker, wait up to SECONDS for the service to store what the broker acknowledged)
            --minutes M: keep sending for M minutes in chunks of --chunk-seconds (30) at the rate, each chunk reconciled while
            the next one is sent (a soak: the rate holds over the wall time); exits 1 if any chunk lost or duplicated;
            --reconcile-db CONNECTION: read nothing back while sending, reconcile every chunk at the end from the
            database (an Npgsql connection string) in one read
        """);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
using var api = new HttpClient { BaseAddress = new Uri(options.Get("api", "http://127.0.0.1:5080")), Timeout = TimeSpan.FromMinutes(5) };
if (options.Has("key")) api.DefaultRequestHeaders.Add("X-Api-Key", options.Get("key", ""));
var statePath = options.Get("state", "fleet.json");

switch (command)
{
    case "setup":
    {
        var fleet = await Fleet.SetupAsync(api, options.Int("gateways", 100), options.Int("devices", 10), Console.Out, cts.Token);
        fleet.Save(statePath);
        Console.WriteLine($"fleet {fleet.RunId}: {fleet.Gateways.Count} gateways, {fleet.Gateways.Sum(g => g.Devices.Count)} devices; credentials in {statePath}");
        return 0;
    }
    case "run":
    {
        var fleet = FleetState.Load(statePath);
        var broker = options.Get("broker", "127.0.0.1:1883").Split(':');
        var run = new RunOptions
        {
            Host = broker[0], Port = int.Parse(broker[1], CultureInfo.InvariantCulture),
            Count = options.Int("count", 50_000), Rate = options.Double("rate", 20_000), InFlight = options.Int("inflight", 32),
            Bad = options.Double("bad", 0.01), Repeat = options.Double("repeat", 0.02), Storm = options.Has("storm"),
            Protocol = options.Get("mqtt", "5") == "3" ? MQTTnet.Formatter.MqttProtocolVersion.V311 : MQTTnet.Formatter.MqttProtocolVersion.V500,
        };
        if (options.Has("reconcile-db") && options.Get("reconcile-db", "").Length == 0)
        {
            Console.Error.WriteLine("--reconcile-db needs a connection string, e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Database=spatialgrid\"");
            return 2;
        }
        // A soak reconciles from the database only at its end: a connection string that cannot connect is told now, not after it.
        if (options.Has("reconcile-db") && await Reconciler.CannotReachAsync(options.Get("reconcile-db", ""), cts.Token) is { } unreachable)
        {
            Console.Error.WriteLine($"--reconcile-db: {unreachable}");
            return 2;
        }
        if (options.Has("minutes"))
            return await Soak.RunAsync(api, fleet, run, TimeSpan.FromMinutes(options.Double("minutes", 30)), TimeSpan.FromSeconds(options.Double("chunk-seconds", 30)),
                Console.Out, cts.Token, options.Has("reconcile-db") ? options.Get("reconcile-db", "") : null);
        var result = await Publisher.RunAsync(fleet, run, Console.Out, cts.Token, acked =>
        {
            if (acked % 5000 != 0) return;
            Console.Error.Write($"\r  acknowledged {acked:N0}/{run.Count:N0}");
        });
        Console.Error.WriteLine();
        Console.WriteLine(result.Summary());
        if (options.Has("no-reconcile")) return 0;
        // Behind an external broker the devices are acknowledged by the broker: give the service time to drain it.
        var settle = DateTime.UtcNow.AddSeconds(options.Int("settle", 0));
        var reconciliation = await Reconciler.RunAsync(api, result, TextWriter.Null, cts.Token);
        while (reconciliation.Stored < reconciliation.AckedGood && DateTime.UtcNow < settle)
        {
            await Task.Delay(2000, cts.Token);
            reconciliation = await Reconciler.RunAsync(api, result, TextWriter.Null, cts.Token);
        }
        Console.WriteLine(reconciliation);
        return reconciliation.Clean ? 0 : 1;
    }
    default:
        Console.Error.WriteLine($"unknown command '{command}' (setup, run)");
        return 2;
}

internal sealed class Options(Dictionary<string, string> values)
{
    public static Options? Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--")) return null;
            var name = args[i][2..];
            values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--") ? args[++i] : "";
        }
        return new Options(values);
    }

    public bool Has(string name) => values.ContainsKey(name);
    public string Get(string name, string fallback) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : fallback;
    public int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    public double Double(string name, double fallback) => double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
