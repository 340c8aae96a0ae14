using System.Text;
using Npgsql;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// A gateway's batch with refusals is kept whole in <c>dead_letters</c> (beside the alerts'), once, with its reason and
/// every refused fix named by index: the valid fixes of the same batch are stored all the same. A batch posted over
/// HTTP is not: its caller has every refusal in the answer, as with every other endpoint.
/// </summary>
public static class PositionDeadLetters
{
    public static async Task WriteAsync(NpgsqlConnection conn, IReadOnlyList<PositionBatch> batches, PositionOutcome[] outcomes, CancellationToken ct)
    {
        var rows = Enumerable.Range(0, batches.Count)
            .Where(i => batches[i].GatewayId is not null && (outcomes[i].RefusedWhole || outcomes[i].Refused.Count > 0)).ToList();
        if (rows.Count == 0) return;
        await using var cmd = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/insert_dead_letters.sql"), conn);
        cmd.Parameters.AddWithValue("gateway", rows.Select(i => Clip(StorableText.Escaped(batches[i].Sender)!, 64)).ToArray());
        cmd.Parameters.AddWithValue("topic", rows.Select(i => Clip(StorableText.Escaped(batches[i].Topic)!, 300)).ToArray());
        cmd.Parameters.AddWithValue("msg", rows.Select(i => StorableText.Escaped(batches[i].Parsed.MsgId)).ToArray());
        cmd.Parameters.AddWithValue("reason", rows.Select(i => Reason(outcomes[i])).ToArray());
        cmd.Parameters.AddWithValue("detail", rows.Select(i => Clip(StorableText.Escaped(Detail(outcomes[i]))!, 1000)).ToArray());
        cmd.Parameters.AddWithValue("payload", rows.Select(i => batches[i].Payload).ToArray());
        cmd.Parameters.AddWithValue("size", rows.Select(i => batches[i].Size).ToArray());
        cmd.Parameters.AddWithValue("received", rows.Select(i => batches[i].ReceivedAt.ToUniversalTime()).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The batch's own reason when refused whole; the one reason of all its refused fixes; or "some fixes refused".</summary>
    public static string Reason(PositionOutcome o) =>
        o.BatchReason ?? (o.Refused.Select(p => p.Reason).Distinct().Count() == 1 ? o.Refused[0].Reason : PatrolRejects.SomeFixes);

    public static string Detail(PositionOutcome o)
    {
        if (o.BatchDetail is { } whole) return whole;
        var text = new StringBuilder($"{o.Refused.Count} fix(es) refused, {o.Stored} stored: ");
        foreach (var p in o.Refused.Take(20)) text.Append($"fixes[{p.Index}] {p.Reason}: {p.Detail}; ");
        if (o.Refused.Count > 20) text.Append($"and {o.Refused.Count - 20} more");
        return text.ToString().TrimEnd(' ', ';');
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
