using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Ingestion;

/// <summary>
/// Repeats are absorbed: a (gateway, msgId) stored already, or twice in one batch, is acknowledged and stored once. Only
/// the pairs this writer stored lately are looked up before a batch's COPY; any other repeat (stored by another
/// instance, before a restart, or long ago) meets the unique key, and the batch is written again with every message
/// looked up. Only the writer's loop touches it.
/// </summary>
internal sealed class AlertRepeats
{
    private readonly RecentMessages _recent = new();

    /// <summary>The accepted messages to look up: every one, or those this writer may have stored lately.</summary>
    public List<int> ToLookUp(IReadOnlyList<Inbound> batch, List<int> accepted, bool lookUpAll) =>
        lookUpAll ? accepted : accepted.Where(i => _recent.MayContain(batch[i].GatewayId, batch[i].Alert!.MsgId)).ToList();

    /// <summary>The accepted messages that are new: not among the <paramref name="stored"/> pairs, nor earlier in the batch (those are duplicates).</summary>
    public static List<int> Fresh(IReadOnlyList<Inbound> batch, List<int> accepted, HashSet<(string, string)> stored, InboundResult[] results)
    {
        var fresh = new List<int>(accepted.Count);
        foreach (var i in accepted)
        {
            if (stored.Add((batch[i].GatewayId, batch[i].Alert!.MsgId))) fresh.Add(i);
            else results[i] = InboundResult.Duplicate;
        }
        return fresh;
    }

    /// <summary>Remembers a committed batch's messages (a rolled-back batch stored nothing).</summary>
    public void Remember(IReadOnlyList<Inbound> batch, InboundResult[] results)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is InboundResult.Stored or InboundResult.Duplicate) _recent.Add(batch[i].GatewayId, batch[i].Alert!.MsgId);
        }
    }
}
