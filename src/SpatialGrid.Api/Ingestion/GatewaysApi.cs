using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Ingestion;

/// <summary>
/// The registry of gateways and devices (admins create gateways and get their secret once; GIS staff register
/// devices), each gateway's health, and the stored alerts and dead letters. A scoped caller sees the alerts of its
/// districts and the gateways (devices, health, dead letters) that serve only its districts (<see cref="CallerScope"/>);
/// another gateway is answered 404, as if it did not exist.
/// </summary>
public static class GatewaysApi
{
    public sealed record CreateGatewayRequest(string? Id, string? Name, string[]? Districts);
    public sealed record CreatedGateway(string Id, string Name, string[] Districts, string Username, string Secret, string PublishTopic, string RejectsTopic);
    public sealed record GatewayView(string Id, string Name, string[] Districts, bool Disabled, DateTimeOffset CreatedAt, int Devices);
    public sealed record DeviceRequest(string? Id, string? Kind, string? ComponentCode, double? Lon, double? Lat, string? Name);
    public sealed record DeviceView(string Id, string GatewayId, string Kind, string? ComponentCode, double? Lon, double? Lat, string? Name, long? AlarmCaseId);
    public sealed record DeviceProblem(int Index, string? Id, string Reason);
    public sealed record RegisteredDevices(int Created, int Updated);
    public sealed record Health(string Gateway, bool Connected, DateTimeOffset? LastSeenAt, long Messages, long Stored, long Duplicates,
        IReadOnlyDictionary<string, long> Refused, StoredTotals Database, bool IngestionPaused, int Queued);
    public sealed record StoredTotals(long Alerts, DateTimeOffset? LastAlertAt, long DeadLetters, IReadOnlyDictionary<string, long> DeadLettersByReason);
    public sealed record IngestionStatus(bool Paused, int Queued, long Batches, long Messages, double MeanBatch, int LargestBatch, double WriterSeconds,
        double WriterMicrosecondsPerMessage, IReadOnlyDictionary<string, double> WriterSecondsByStep, long BatchesRewrittenForUnrememberedRepeats, int Gateways, int Devices);
    public sealed record AlertView(long Id, string GatewayId, string MsgId, string DeviceId, string Type, string Severity, DateTimeOffset ObservedAt,
        DateTimeOffset ReceivedAt, DateTimeOffset StoredAt, double Lon, double Lat, string GridCode, string? ClassCode, double? Confidence, string? Media,
        string Outcome, string? CaseNumber);
    public sealed record DeadLetterView(long Id, string GatewayId, string Topic, string? MsgId, string Reason, string Detail, int Size, DateTimeOffset ReceivedAt, string Payload);

    public static IEndpointRouteBuilder MapGateways(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/gateways").WithTags("Gateways & devices");
        admin.MapPost("/", Create).RequireAuthorization(SecuritySetup.AdminPolicy)
            .WithSummary("Register a gateway; its MQTT secret is returned once");
        admin.MapGet("/", List).RequireAuthorization(SecuritySetup.CaseReaderPolicy).WithSummary("List gateways, with their device counts");
        admin.MapGet("/{id}", Get).RequireAuthorization(SecuritySetup.CaseReaderPolicy).WithSummary("One gateway");
        admin.MapPost("/{id}/secret", Rotate).RequireAuthorization(SecuritySetup.AdminPolicy).WithSummary("Issue a new secret (the old one stops working)");
        admin.MapPost("/{id}/devices", RegisterDevices).RequireAuthorization(SecuritySetup.GisEditorPolicy)
            .WithSummary("Register or update devices of a gateway (all or none: every bad device is reported)");
        admin.MapGet("/{id}/devices", Devices).RequireAuthorization(SecuritySetup.CaseReaderPolicy).WithSummary("The devices of a gateway, paged");
        admin.MapGet("/{id}/health", GetHealth).RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("Last seen, messages, stored, duplicates and refusals by reason (this instance), and the stored totals (all instances)");
        app.MapGet("/api/ingestion", (AlertPipeline p, AlertWriter w, DeviceRegistry r) => TypedResults.Ok(new IngestionStatus(p.Paused, p.Queued, p.Batches, p.Written,
                p.Batches == 0 ? 0 : Math.Round((double)p.Written / p.Batches, 1), p.LargestBatch, Math.Round(TimeSpan.FromTicks(p.WriteTicks).TotalSeconds, 3),
                p.Written == 0 ? 0 : Math.Round(TimeSpan.FromTicks(p.WriteTicks).TotalMicroseconds / p.Written, 1),
                new SortedDictionary<string, double>(w.StepTicks.ToDictionary(x => x.Key, x => Math.Round(TimeSpan.FromTicks(x.Value).TotalSeconds, 3))),
                w.UnrememberedRepeats, r.Gateways.Count(), r.DeviceCount)))
            .WithTags("Gateways & devices").RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("The alert pipeline of this instance: paused or not, queue, batches written, mean and largest batch, writer time");
        app.MapGet("/api/alerts", Alerts).WithTags("Gateways & devices").RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("Stored alerts, newest first, filtered by gateway, device, case, outcome or receipt time (from); afterId pages through all of them oldest first");
        app.MapGet("/api/dead-letters", DeadLetters).WithTags("Gateways & devices").RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("Refused messages with their reason and payload, newest first; filtered by gateway, reason or receipt time (from)");
        return app;
    }

    private static (string Secret, byte[] Hash) NewSecret()
    {
        var secret = "sgw_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (secret, ApiKeys.Hash(secret));
    }

    private static async Task<Results<Created<CreatedGateway>, ProblemHttpResult>> Create(CreateGatewayRequest request, SpatialGridDb db, DeviceRegistry registry,
        ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var id = request.Id ?? $"gw-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
        // The id is a topic level and an MQTT user name: no '/', '+', '#'.
        if (!AlertParser.IsId(id)) return Problems.BadRequest("bad-id", $"id is 1 to {AlertParser.MaxIdLength} characters of A-Z a-z 0-9 . _ : - (it is a topic level)");
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200) return Problems.BadRequest("bad-name", "name is required and at most 200 characters");
        var districts = request.Districts ?? [];
        if (districts.Any(d => d is not { Length: 6 } || !d.All(char.IsAsciiDigit))) return Problems.BadRequest("bad-districts", "districts are 6-digit district codes");
        if (!CallerScope.Of(user).Covers(districts))
            return Problems.Create(403, "out-of-scope", "Forbidden", "a scoped key registers gateways only for districts of its own scopes, and names them");
        if (await db.Gateways.AnyAsync(g => g.Id == id, ct)) return Problems.Conflict("gateway-exists", $"gateway '{id}' exists; rotate its secret with POST /api/gateways/{id}/secret");
        var (secret, hash) = NewSecret();
        var g = new Gateway { Id = id, Name = request.Name.Trim(), SecretHash = hash, MosquittoHash = MosquittoFiles.Hash(secret), Districts = districts.Distinct().ToArray(), CreatedAt = clock.GetUtcNow(), CreatedBy = user.Identity?.Name ?? "admin" };
        db.Gateways.Add(g);
        await db.SaveChangesAsync(ct);
        await registry.ChangedAsync(ct);
        return TypedResults.Created($"/api/gateways/{id}", new CreatedGateway(id, g.Name, g.Districts, id, secret, $"sg/v1/gw/{id}/alert", $"sg/v1/gw/{id}/rejects"));
    }

    private static async Task<Results<Ok<CreatedGateway>, ProblemHttpResult>> Rotate(string id, SpatialGridDb db, DeviceRegistry registry, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var g = await CallerScope.Of(user).Gateways(db.Gateways).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (g is null) return Problems.NotFound("gateway-not-found", $"no gateway '{Clip(id)}'");
        var (secret, hash) = NewSecret();
        g.SecretHash = hash;
        g.MosquittoHash = MosquittoFiles.Hash(secret);
        await db.SaveChangesAsync(ct);
        await registry.ChangedAsync(ct);
        return TypedResults.Ok(new CreatedGateway(id, g.Name, g.Districts, id, secret, $"sg/v1/gw/{id}/alert", $"sg/v1/gw/{id}/rejects"));
    }

    private static async Task<Ok<List<GatewayView>>> List(SpatialGridDb db, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await CallerScope.Of(user).Gateways(db.Gateways).OrderBy(g => g.Id)
            .Select(g => new GatewayView(g.Id, g.Name, g.Districts, g.Disabled, g.CreatedAt, db.Devices.Count(d => d.GatewayId == g.Id))).ToListAsync(ct));

    private static async Task<Results<Ok<GatewayView>, ProblemHttpResult>> Get(string id, SpatialGridDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        var g = await CallerScope.Of(user).Gateways(db.Gateways).Where(g => g.Id == id)
            .Select(g => new GatewayView(g.Id, g.Name, g.Districts, g.Disabled, g.CreatedAt, db.Devices.Count(d => d.GatewayId == g.Id))).FirstOrDefaultAsync(ct);
        return g is null ? Problems.NotFound("gateway-not-found", $"no gateway '{Clip(id)}'") : TypedResults.Ok(g);
    }

    private static async Task<Results<Ok<RegisteredDevices>, ProblemHttpResult>> RegisterDevices(string id, DeviceRequest[]? devices, SpatialGridDb db,
        DeviceRegistry registry, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        if (!await Sees(db, user, id, ct)) return Problems.NotFound("gateway-not-found", $"no gateway '{Clip(id)}'");
        if (devices is null || devices.Length == 0) return Problems.BadRequest("no-devices", "send a JSON array of devices: [{\"id\", \"kind\", \"componentCode\" or \"lon\"/\"lat\"}]");
        if (devices.Length > 10_000) return Problems.BadRequest("too-many", $"at most 10,000 devices a request, not {devices.Length:N0}");
        var problems = new List<DeviceProblem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var codes = devices.Where(d => d?.ComponentCode is not null).Select(d => d.ComponentCode!).Distinct().ToList();
        var known = (await db.Components.Where(c => codes.Contains(c.Code)).Select(c => c.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var ids = devices.Where(d => d?.Id is not null).Select(d => d.Id!).Distinct().ToList();
        var existing = await db.Devices.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        for (var i = 0; i < devices.Length; i++)
        {
            var d = devices[i];
            if (d is null) { problems.Add(new(i, null, "null: each device is an object")); continue; }
            if (!AlertParser.IsId(d.Id)) { problems.Add(new(i, d.Id, $"id is 1 to {AlertParser.MaxIdLength} characters of A-Z a-z 0-9 . _ : -")); continue; }
            if (!seen.Add(d.Id!)) { problems.Add(new(i, d.Id, "repeated in this request")); continue; }
            if (string.IsNullOrWhiteSpace(d.Kind) || d.Kind.Length > 64) { problems.Add(new(i, d.Id, "kind is required (e.g. manhole-sensor, level-gauge, camera), at most 64 characters")); continue; }
            if (d.ComponentCode is not null && !known.Contains(d.ComponentCode)) { problems.Add(new(i, d.Id, $"component '{Clip(d.ComponentCode)}' does not exist")); continue; }
            if ((d.Lon is null) != (d.Lat is null)) { problems.Add(new(i, d.Id, "lon and lat come together")); continue; }
            if (d.Lon is { } x && d.Lat is { } y && (!double.IsFinite(x) || !double.IsFinite(y) || x is < -180 or > 180 || y is < -90 or > 90))
            { problems.Add(new(i, d.Id, $"({x}, {y}) is not a WGS 84 lon/lat")); continue; }
            if (existing.TryGetValue(d.Id!, out var other) && other.GatewayId != id) { problems.Add(new(i, d.Id, CallerScope.Of(user).IsCityWide ? $"registered under gateway '{other.GatewayId}'" : "registered under another gateway")); continue; }
        }
        if (problems.Count > 0)
            return Problems.BadRequest("bad-devices", $"{problems.Count} of {devices.Length} devices are not valid; none was registered",
                new Dictionary<string, object?> { ["devices"] = problems });
        var created = 0;
        foreach (var d in devices)
        {
            var location = d.Lon is { } x && d.Lat is { } y ? GeometryFactories.Wgs84.CreatePoint(new NetTopologySuite.Geometries.Coordinate(x, y)) : null;
            if (existing.TryGetValue(d.Id!, out var row))
            {
                row.Kind = d.Kind!.Trim();
                row.ComponentCode = d.ComponentCode;
                row.Location = location;
                row.Name = d.Name;
            }
            else
            {
                db.Devices.Add(new Device { Id = d.Id!, GatewayId = id, Kind = d.Kind!.Trim(), ComponentCode = d.ComponentCode, Location = location, Name = d.Name, CreatedAt = clock.GetUtcNow() });
                created++;
            }
        }
        await db.SaveChangesAsync(ct);
        await registry.ChangedAsync(ct);
        return TypedResults.Ok(new RegisteredDevices(created, devices.Length - created));
    }

    private static async Task<Results<Ok<PagedList<DeviceView>>, ProblemHttpResult>> Devices(string id, SpatialGridDb db, ClaimsPrincipal user, int? page,
        int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } error) return Problems.BadRequest("bad-paging", error);
        if (!await Sees(db, user, id, ct)) return Problems.NotFound("gateway-not-found", $"no gateway '{Clip(id)}'");
        var p = page ?? 1;
        var size = pageSize ?? Paging.DefaultPageSize;
        var q = db.Devices.Where(d => d.GatewayId == id);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderBy(d => d.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<DeviceView>(rows.Select(d => new DeviceView(d.Id, d.GatewayId, d.Kind, d.ComponentCode, d.Location?.X, d.Location?.Y, d.Name, d.AlarmCaseId)).ToList(), p, size, total));
    }

    private static async Task<Results<Ok<Health>, ProblemHttpResult>> GetHealth(string id, SpatialGridDb db, ClaimsPrincipal user, GatewayStats stats,
        AlertPipeline pipeline, CancellationToken ct)
    {
        if (!await Sees(db, user, id, ct)) return Problems.NotFound("gateway-not-found", $"no gateway '{Clip(id)}'");
        var alerts = await db.Alerts.Where(a => a.GatewayId == id).GroupBy(_ => 1).Select(g => new { Count = g.LongCount(), Last = g.Max(a => (DateTimeOffset?)a.ReceivedAt) }).FirstOrDefaultAsync(ct);
        var dead = await db.DeadLetters.Where(d => d.GatewayId == id).GroupBy(d => d.Reason).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var c = stats.Find(id);
        return TypedResults.Ok(new Health(id, c is { Connections: > 0 }, c?.LastSeen, c?.Messages ?? 0, c?.Stored ?? 0, c?.Duplicates ?? 0,
            c is null ? new Dictionary<string, long>() : new SortedDictionary<string, long>(c.Rejects),
            new StoredTotals(alerts?.Count ?? 0, alerts?.Last, dead.Sum(d => d.Count), dead.ToDictionary(d => d.Key, d => d.Count)),
            pipeline.Paused, pipeline.Queued));
    }

    private static async Task<Results<Ok<PagedList<AlertView>>, ProblemHttpResult>> Alerts(SpatialGridDb db, ClaimsPrincipal user, string? gateway, string? device,
        string? @case, string? outcome, DateTimeOffset? from, long? afterId, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } error) return Problems.BadRequest("bad-paging", error);
        AlertOutcome? wanted = outcome switch
        {
            null => null, "opened" => AlertOutcome.Opened, "joined" => AlertOutcome.Joined, "below-threshold" => AlertOutcome.BelowThreshold,
            "unmapped" => AlertOutcome.Unmapped, _ => (AlertOutcome)0,
        };
        if (wanted == 0) return Problems.BadRequest("bad-outcome", "outcome is opened, joined, below-threshold or unmapped");
        var scope = CallerScope.Of(user);
        var q = scope.Alerts(db.Alerts.AsNoTracking());
        if (gateway is not null) q = q.Where(a => a.GatewayId == gateway);
        if (device is not null) q = q.Where(a => a.DeviceId == device);
        if (wanted is { } w) q = q.Where(a => a.Outcome == w);
        if (from is { } since) q = q.Where(a => a.ReceivedAt >= since.ToUniversalTime());
        if (@case is not null)
        {
            // A case of another district is answered as one that does not exist.
            var caseId = await scope.Cases(db.Cases).Where(c => c.Number == @case).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
            if (caseId is null) return Problems.NotFound("case-not-found", $"no case '{Clip(@case)}'");
            q = q.Where(a => a.CaseId == caseId);
        }
        var p = page ?? 1;
        var size = pageSize ?? Paging.DefaultPageSize;
        var total = await q.CountAsync(ct);
        // Newest first by page; or, with afterId, oldest first from that id on (keyset paging for reading everything).
        var ordered = afterId is { } after ? q.Where(a => a.Id > after).OrderBy(a => a.Id).Take(size) : q.OrderByDescending(a => a.Id).Skip((p - 1) * size).Take(size);
        var rows = await ordered
            .Select(a => new { a, Number = db.Cases.Where(c => c.Id == a.CaseId).Select(c => c.Number).FirstOrDefault() }).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<AlertView>(rows.Select(r => new AlertView(r.a.Id, r.a.GatewayId, r.a.MsgId, r.a.DeviceId, r.a.Type, r.a.Severity,
            r.a.ObservedAt, r.a.ReceivedAt, r.a.StoredAt, r.a.Location.X, r.a.Location.Y, r.a.GridCode, r.a.ClassCode, r.a.Confidence, r.a.Media,
            Name(r.a.Outcome), r.Number)).ToList(), p, size, total));
    }

    private static async Task<Results<Ok<PagedList<DeadLetterView>>, ProblemHttpResult>> DeadLetters(SpatialGridDb db, ClaimsPrincipal user, string? gateway,
        string? reason, DateTimeOffset? from, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } error) return Problems.BadRequest("bad-paging", error);
        // A payload is shown whole: only to callers whose districts cover every district its gateway serves.
        var q = CallerScope.Of(user).DeadLetters(db.DeadLetters.AsNoTracking(), db.Gateways);
        if (gateway is not null) q = q.Where(d => d.GatewayId == gateway);
        if (reason is not null) q = q.Where(d => d.Reason == reason);
        if (from is { } since) q = q.Where(d => d.ReceivedAt >= since.ToUniversalTime());
        var p = page ?? 1;
        var size = pageSize ?? Paging.DefaultPageSize;
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(d => d.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        // The payload as text when it is UTF-8 (JSON usually is), else base64, so a broken message can be read as sent.
        return TypedResults.Ok(new PagedList<DeadLetterView>(rows.Select(d => new DeadLetterView(d.Id, d.GatewayId, d.Topic, d.MsgId, d.Reason, d.Detail, d.Size,
            d.ReceivedAt, Text(d.Payload))).ToList(), p, size, total));
    }

    /// <summary>Whether the gateway exists and is the caller's.</summary>
    private static Task<bool> Sees(SpatialGridDb db, ClaimsPrincipal user, string id, CancellationToken ct) =>
        CallerScope.Of(user).Gateways(db.Gateways).AnyAsync(g => g.Id == id, ct);

    private static string Text(byte[] payload)
    {
        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(payload);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return "base64:" + Convert.ToBase64String(payload);
        }
    }

    public static string Name(AlertOutcome o) => o switch
    {
        AlertOutcome.Opened => "opened", AlertOutcome.Joined => "joined", AlertOutcome.BelowThreshold => "below-threshold", _ => "unmapped",
    };

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
