using System.Net.Http.Json;
using System.Text.Json;

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
/// Reads back through the API every alert the fleet's gateways stored and compares it with what was sent:
/// lost (acknowledged but not stored), duplicated (stored twice), and rejected (dead letters).
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
                foreach (var r in p.Items.Where(r => r.MsgId.StartsWith(run.Nonce, StringComparison.Ordinal))) stored[(r.GatewayId, r.MsgId)] = stored.GetValueOrDefault((r.GatewayId, r.MsgId)) + 1;
                if (p.Items.Count < 1000) break;
                after = p.Items[^1].Id;
            }
            // This run's dead letters: received since it started.
            var letters = await api.GetFromJsonAsync<JsonElement>($"/api/dead-letters?gateway={gw}&from={from}&pageSize=1", ct);
            dead += letters.GetProperty("total").GetInt64();
        }
        var sent = new HashSet<(string, string)>();
        var lost = 0;
        var acked = 0;
        for (var i = 0; i < run.MsgIds.Length; i++)
        {
            if (run.IsBad[i]) continue;
            var key = (run.Gateways[run.GatewayOf[i]], run.MsgIds[i]);
            sent.Add(key);
            if (run.Outcome[i] != Sent.Acked) continue;
            acked++;
            if (!stored.ContainsKey(key)) lost++;
        }
        var result = new Reconciliation(run.MsgIds.Length, acked, stored.Count, lost, stored.Values.Count(v => v > 1), stored.Keys.Count(k => !sent.Contains(k)),
            run.IsBad.Count(b => b), dead);
        log.WriteLine(result);
        return result;
    }
}
