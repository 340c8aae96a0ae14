using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace SpatialGrid.DeviceSim;

/// <summary>What the service stored, against what the devices were told.</summary>
public sealed record Reconciliation(int Sent, int AckedGood, int Stored, int Lost, int Duplicated, int Unexpected, int BadSent, long DeadLetters)
{
    public bool Clean => Lost == 0 && Duplicated == 0 && Unexpected == 0;

    public override string ToString() =>
        $"reconciliation: {Sent:N0} sent, {AckedGood:N0} good ones acknowledged, {Stored:N0} stored; lost {Lost:N0}, duplicated {Duplicated:N0}, " +
        $"stored but never sent {Unexpected:N0}; bad messages {BadSent:N0}, dead letters {DeadLetters:N0} (a bad message sent twice is kept twice)";
}

/// <summary>
/// Compares what the fleet's gateways sent with what the service stored: lost (acknowledged but not stored),
/// duplicated (stored twice), stored but never sent, and rejected (dead letters). What was stored is read back either
/// through the API (a run, as any client would) or straight from the database (a soak: reading every chunk back through
/// <c>/api/alerts</c> cost PostgreSQL more than storing it, so the soak measured its own instrument).
/// </summary>
public static class Reconciler
{
    private sealed record Page(List<Row> Items, int Total);
    private sealed record Row(long Id, string GatewayId, string MsgId);

    public static async Task<Reconciliation> RunAsync(HttpClient api, RunResult run, TextWriter log, CancellationToken ct)
    {
        var stored = new Dictionary<(string, string), int>();
        long dead = 0;
        var from = Uri.EscapeDataString(run.Started.AddSeconds(-2).ToString("O"));
        foreach (var gw in run.Gateways.Distinct())
        {
            // This run's alerts only (received since it started), read oldest first by id.
            for (long after = 0; ;)
            {
                var p = await api.GetFromJsonAsync<Page>($"/api/alerts?gateway={gw}&from={from}&afterId={after}&pageSize=1000", ct) ?? new Page([], 0);
                foreach (var r in p.Items) Count(stored, r.GatewayId, r.MsgId);
                if (p.Items.Count < 1000) break;
                after = p.Items[^1].Id;
            }
            // This run's dead letters: received since it started.
            var letters = await api.GetFromJsonAsync<JsonElement>($"/api/dead-letters?gateway={gw}&from={from}&pageSize=1", ct);
            dead += letters.GetProperty("total").GetInt64();
        }
        var result = Compare([run], stored, dead);
        log.WriteLine(result);
        return result;
    }

    /// <summary>
    /// Reconciles several runs of one fleet at once from the database: the alerts and dead letters of their gateways
    /// received since the first run began (one sequential read instead of a read per gateway and page).
    /// </summary>
    public static async Task<Reconciliation> FromDatabaseAsync(string connectionString, IReadOnlyList<RunResult> runs, CancellationToken ct)
    {
        if (runs.Count == 0) return new Reconciliation(0, 0, 0, 0, 0, 0, 0, 0);
        var gateways = runs.SelectMany(r => r.Gateways).Distinct().ToArray();
        var from = runs.Min(r => r.Started).AddSeconds(-2);
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(ct);
        var stored = new Dictionary<(string, string), int>();
        await using (var read = new NpgsqlCommand("SELECT gateway_id, msg_id FROM alerts WHERE gateway_id = ANY(@g) AND received_at >= @from", db))
        {
            read.Parameters.AddWithValue("g", gateways);
            read.Parameters.AddWithValue("from", from.UtcDateTime);
            read.CommandTimeout = 0;
            await using var rows = await read.ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct)) Count(stored, rows.GetString(0), rows.GetString(1));
        }
        await using var letters = new NpgsqlCommand("SELECT count(*) FROM dead_letters WHERE gateway_id = ANY(@g) AND received_at >= @from", db);
        letters.Parameters.AddWithValue("g", gateways);
        letters.Parameters.AddWithValue("from", from.UtcDateTime);
        var dead = (long)(await letters.ExecuteScalarAsync(ct))!;
        return Compare(runs, stored, dead);
    }

    /// <summary>Why the database to reconcile from cannot be read (a bad connection string, no server, no alerts table), or null.</summary>
    public static async Task<string?> CannotReachAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            await using var db = new NpgsqlConnection(connectionString);
            await db.OpenAsync(ct);
            await using var probe = new NpgsqlCommand("SELECT 1 FROM alerts LIMIT 1", db);
            await probe.ExecuteScalarAsync(ct);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return e.Message;
        }
    }

    private static void Count(Dictionary<(string, string), int> stored, string gateway, string msgId) =>
        stored[(gateway, msgId)] = stored.GetValueOrDefault((gateway, msgId)) + 1;

    /// <summary>
    /// The runs' messages against what was stored; stored messages count only when their msgId carries one of the
    /// runs' nonces (the same gateways may have stored other runs' alerts in the window).
    /// </summary>
    public static Reconciliation Compare(IReadOnlyList<RunResult> runs, Dictionary<(string Gateway, string MsgId), int> stored, long dead)
    {
        var nonces = runs.Select(r => r.Nonce).ToHashSet(StringComparer.Ordinal);
        bool Ours(string msgId) => msgId.IndexOf('-') is var dash and >= 0 && nonces.Contains(msgId[..(dash + 1)]);
        var sent = new HashSet<(string, string)>();
        int total = 0, lost = 0, acked = 0, bad = 0;
        foreach (var run in runs)
        {
            total += run.MsgIds.Length;
            for (var i = 0; i < run.MsgIds.Length; i++)
            {
                if (run.IsBad[i]) { bad++; continue; }
                var key = (run.Gateways[run.GatewayOf[i]], run.MsgIds[i]);
                sent.Add(key);
                if (run.Outcome[i] != Sent.Acked) continue;
                acked++;
                if (!stored.ContainsKey(key)) lost++;
            }
        }
        var ours = stored.Where(s => Ours(s.Key.MsgId)).ToList();
        return new Reconciliation(total, acked, ours.Count, lost, ours.Count(s => s.Value > 1), ours.Count(s => !sent.Contains(s.Key)), bad, dead);
    }
}
