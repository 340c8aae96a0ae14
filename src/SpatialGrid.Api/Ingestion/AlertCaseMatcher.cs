using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Ingestion;

/// <summary>A case a batch opens: the alert that opens it, and the later alerts of the batch that join it.</summary>
internal sealed class NewAlertCase(int index)
{
    public int Index { get; } = index;
    public int Joined { get; private set; }
    public DateTimeOffset? LastJoinedAt { get; private set; }

    public void Join(DateTimeOffset last)
    {
        Joined++;
        if (LastJoinedAt is not { } l || last > l) LastJoinedAt = last;
    }
}

/// <summary>
/// Where a batch's fresh alerts go: each one's outcome and case (a case the batch opens is known by a placeholder id,
/// -1, -2, …, until it is written), the open cases joined with their alert counts, and the cases to open.
/// </summary>
internal sealed class BatchCases(int size)
{
    public AlertOutcome[] Outcome { get; } = new AlertOutcome[size];
    public long?[] CaseOf { get; } = new long?[size];
    public Dictionary<long, (int Count, DateTimeOffset Last)> Joins { get; } = new();
    public List<NewAlertCase> NewCases { get; } = [];
}

/// <summary>
/// Matches a batch's alerts against the open cases (the rules of <see cref="AlertDeduplication"/>). It keeps the open
/// case of each (device, alert type) this instance has seen, so that a device repeating itself does not cost a lookup
/// per batch. Only the writer's loop touches it. It is a hint, checked where it matters: the update that joins alerts
/// to cases updates open cases only, and if one of them was closed meanwhile (here or in another instance) the batch
/// is rolled back and written again without the hint.
/// </summary>
internal sealed class AlertCaseMatcher
{
    private readonly Dictionary<(string Device, string Type), long> _deviceCases = new();

    /// <summary>Drops every hint (after a rolled-back attempt; and when they grow past a million, as hints are cheap to lose).</summary>
    public void Forget() => _deviceCases.Clear();

    public void Bound()
    {
        if (_deviceCases.Count > 1_000_000) _deviceCases.Clear();
    }

    public void Remember(string device, string type, long caseId) => _deviceCases[(device, type)] = caseId;

    /// <summary>
    /// The open cases these alerts may join: first their devices' own (from the hints, then the database); then, only for
    /// alerts still without one, cases of their class in their grids (in a steady stream most alerts repeat a device and
    /// skip the second query).
    /// </summary>
    public async Task<OpenCases> FindAsync(IReadOnlyList<Inbound> batch, List<int> fresh, NpgsqlConnection conn, NpgsqlTransaction tx, bool useHints, CancellationToken ct)
    {
        var open = new OpenCases();
        var wanting = fresh.Where(i => WantsCase(batch[i])).ToList();
        if (wanting.Count > 0)
        {
            if (useHints)
            {
                foreach (var i in wanting)
                {
                    var key = (batch[i].Device!.Id, batch[i].Alert!.Type);
                    if (_deviceCases.TryGetValue(key, out var hinted)) open.AddDeviceCase(key.Item1, key.Item2, hinted);
                }
            }
            var unknown = wanting.Where(i => !open.HasDevice(batch[i].Device!.Id, batch[i].Alert!.Type)).Select(i => batch[i].Device!.Id).Distinct().ToArray();
            if (unknown.Length > 0)
            {
                await using var byDevice = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/open_cases_by_device.sql"), conn, tx);
                byDevice.Parameters.AddWithValue("devices", unknown);
                await open.ReadAsync(byDevice, ct);
            }
            var rest = wanting.Where(i => !open.HasDevice(batch[i].Device!.Id, batch[i].Alert!.Type)).ToList();
            if (rest.Count > 0)
            {
                await using var byClass = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/open_cases.sql"), conn, tx);
                byClass.Parameters.AddWithValue("grids", rest.Select(i => batch[i].GridCode!).Distinct().ToArray());
                byClass.Parameters.AddWithValue("classes", rest.Select(i => batch[i].Type!.ClassCode).Distinct().ToArray());
                await open.ReadAsync(byClass, ct);
            }
        }
        foreach (var (key, id) in open.DeviceCases()) _deviceCases[key] = id;
        return open;
    }

    /// <summary>Decides, in memory, where each fresh alert goes: no case (unmapped, below its threshold), an open case, or a new one.</summary>
    public BatchCases Match(IReadOnlyList<Inbound> batch, List<int> fresh, OpenCases open)
    {
        var cases = new BatchCases(batch.Count);
        foreach (var i in fresh)
        {
            var m = batch[i];
            var a = m.Alert!;
            if (m.Type is null) { cases.Outcome[i] = AlertOutcome.Unmapped; continue; }
            if (a.Confidence is { } conf && conf < m.Type.MinConfidence) { cases.Outcome[i] = AlertOutcome.BelowThreshold; continue; }
            var match = open.Match(m.Device!.Id, a.Type, m.Type, m.GridCode!, m.Lon, m.Lat, a.ObservedAt);
            if (match is null)
            {
                var placeholder = -(cases.NewCases.Count + 1L);
                cases.NewCases.Add(new NewAlertCase(i));
                cases.Outcome[i] = AlertOutcome.Opened;
                cases.CaseOf[i] = placeholder;
                open.Add(new OpenAlertCase(placeholder, m.GridCode!, m.Type.ClassCode, m.Device.Id, a.Type, m.Lon, m.Lat, a.ObservedAt));
                continue;
            }
            cases.Outcome[i] = AlertOutcome.Joined;
            cases.CaseOf[i] = match.Id;
            var last = a.ObservedAt > match.LastAlertAt ? a.ObservedAt : match.LastAlertAt;
            match.LastAlertAt = last;
            // A case this batch opens is written with its count.
            if (match.Id < 0) cases.NewCases[(int)(-match.Id - 1)].Join(last);
            else
            {
                cases.Joins[match.Id] = cases.Joins.TryGetValue(match.Id, out var j) ? (j.Count + 1, last > j.Last ? last : j.Last) : (1, last);
                // The device's next alerts of this type go to the same case (also when it was joined by the class rule).
                _deviceCases[(m.Device.Id, a.Type)] = match.Id;
            }
        }
        return cases;
    }

    /// <summary>Adds the joined alerts to their cases; false when one of them is no longer open (a stale hint): the batch is written again.</summary>
    public static async Task<bool> JoinAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Dictionary<long, (int Count, DateTimeOffset Last)> joins, CancellationToken ct)
    {
        if (joins.Count == 0) return true;
        await using var jc = new NpgsqlCommand(SqlFiles.Get("Ingestion/Sql/join_cases.sql"), conn, tx);
        jc.Parameters.AddWithValue("ids", joins.Keys.ToArray());
        jc.Parameters.AddWithValue("counts", joins.Values.Select(v => v.Count).ToArray());
        jc.Parameters.AddWithValue("lasts", joins.Values.Select(v => v.Last).ToArray());
        return await jc.ExecuteNonQueryAsync(ct) == joins.Count;
    }

    private static bool WantsCase(Inbound m) => m.Type is { } t && !(m.Alert!.Confidence is { } c && c < t.MinConfidence);
}
