namespace SpatialGrid.Api.Ingestion;

/// <summary>Options of alert ingestion (section <c>Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    /// <summary>Host the MQTT broker in this process (the default) or connect to an external one (<see cref="External"/>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>embedded</c> (the API hosts the broker) or <c>external</c> (the API is a client of <see cref="External"/>).</summary>
    public string Mode { get; set; } = "embedded";

    /// <summary>The external broker (Mosquitto, EMQX, HiveMQ) when <see cref="Mode"/> is <c>external</c>.</summary>
    public ExternalBrokerOptions External { get; set; } = new();

    public bool IsExternal => string.Equals(Mode, "external", StringComparison.OrdinalIgnoreCase);

    /// <summary>TCP port of the embedded broker.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>TLS port of the embedded broker (8883 by convention); 0: no TLS listener. Needs <see cref="CertificatePath"/>.</summary>
    public int TlsPort { get; set; }

    /// <summary>The broker's certificate with its private key (PKCS#12 / .pfx) for the TLS listener.</summary>
    public string CertificatePath { get; set; } = "";
    public string CertificatePassword { get; set; } = "";

    /// <summary>Address the embedded broker listens on.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Largest payload a gateway may publish, in bytes; a larger one (up to <see cref="MaxPacketBytes"/>) is refused and kept whole as a dead letter.</summary>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Largest MQTT packet the embedded broker takes, in bytes (advertised to MQTT 5 clients in the CONNACK). A bigger
    /// PUBLISH is not acknowledged: the connection is closed (MQTT 5: DISCONNECT "packet too large").
    /// </summary>
    public int MaxPacketBytes { get; set; } = 1024 * 1024;

    /// <summary>Messages a second a gateway may publish on average; bursts up to <see cref="RateBurst"/>.</summary>
    public double RatePerSecond { get; set; } = 2_000;
    public double RateBurst { get; set; } = 4_000;

    /// <summary>Most messages written in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 2_000;

    /// <summary>Messages waiting for the writer before publishers are slowed down.</summary>
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>How far ahead of the service's clock an observedAt may be (device clocks drift), in minutes.</summary>
    public int MaxClockSkewMinutes { get; set; } = 5;

    /// <summary>How old an alert may be when it arrives (a gateway catching up after an outage), in days.</summary>
    public int MaxAgeDays { get; set; } = 30;

    /// <summary>The table of alert types; default: the copy of sensors/device-types.csv beside the binary.</summary>
    public string DeviceTypesPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "sensors", "device-types.csv");

    public bool IsValid() => (IsExternal ? External.IsValid() : string.Equals(Mode, "embedded", StringComparison.OrdinalIgnoreCase)) && Port is > 0 and < 65536 && MaxPayloadBytes is > 0 and <= 16 * 1024 * 1024 && MaxPacketBytes >= MaxPayloadBytes && MaxPacketBytes <= 256 * 1024 * 1024 && RatePerSecond > 0 && RateBurst >= 1
        && MaxBatch is > 0 and <= 50_000 && QueueCapacity >= MaxBatch && MaxClockSkewMinutes >= 0 && MaxAgeDays > 0
        && System.Net.IPAddress.TryParse(BindAddress, out _)
        && TlsPort is >= 0 and < 65536 && (TlsPort == 0 || File.Exists(CertificatePath));
}

/// <summary>How the API reaches an external broker, and where it keeps that broker's password and ACL files.</summary>
public sealed class ExternalBrokerOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;

    /// <summary>The service's own account on the broker (also written into the generated password file).</summary>
    public string Username { get; set; } = "spatialgrid";
    public string Password { get; set; } = "";

    /// <summary>A client id of its own per instance: the broker keeps each instance's session (QoS 1 messages not yet acknowledged).</summary>
    public string ClientId { get; set; } = $"spatialgrid-{Environment.MachineName}";

    /// <summary>Connections per instance, each a member of the shared group (more than one needs <see cref="SharedGroup"/>): a client delivers messages one at a time, so one connection caps an instance's rate.</summary>
    public int Connections { get; set; } = 1;

    /// <summary>
    /// Instances (and connections) in the same group share the alerts (<c>$share/{group}/sg/v1/gw/#</c>). Empty (the
    /// default): one plain subscription, which the broker keeps in the instance's persistent session across its own
    /// restart. Mosquitto 2.0 does not restore a shared subscription from its persistence file, so alerts published
    /// between a Mosquitto restart and the service subscribing again would be acknowledged to the devices and lost
    /// (<c>deploy/faults.sh</c> shows both); set a group to spread the load over connections and instances knowingly.
    /// </summary>
    public string SharedGroup { get; set; } = "";

    /// <summary>Mosquitto's password file, rewritten from the gateway registry on every change (empty: not managed).</summary>
    public string PasswordFile { get; set; } = "";

    /// <summary>Mosquitto's ACL file, rewritten from the registry: each gateway publishes only under its own prefix.</summary>
    public string AclFile { get; set; } = "";

    /// <summary>Mosquitto's pid file: after rewriting the files the broker is sent SIGHUP to reload them.</summary>
    public string PidFile { get; set; } = "";

    public bool IsValid() => Port is > 0 and < 65536 && !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(Username)
        && !string.IsNullOrWhiteSpace(ClientId) && ClientId.Length <= 60 && Connections is >= 1 and <= 32 && (Connections == 1 || SharedGroup.Length > 0) && !SharedGroup.Contains('/') && !SharedGroup.Contains('+') && !SharedGroup.Contains('#');
}
