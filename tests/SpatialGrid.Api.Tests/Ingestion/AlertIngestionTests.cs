using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MQTTnet;
using Npgsql;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Ingestion;

/// <summary>Alerts over MQTT into the embedded broker, through the pipeline, into PostGIS: cases opened, joined, absorbed.</summary>
public sealed class AlertIngestionTests(IngestionFixture api) : IClassFixture<IngestionFixture>
{
    private async Task<long> Count(string sql) => await api.ScalarAsync(sql);

    [Fact]
    public async Task An_alert_opens_a_case_in_its_grid_tied_to_the_sensors_component_and_a_repeat_joins_it()
    {
        using var client = await api.ConnectA();
        var first = IngestionFixture.Alert("mh-1", "manhole.tilt");
        first["props"] = new JsonObject { ["tiltDeg"] = 17.5 };
        var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", first);
        Assert.True(ack.IsSuccess, ack.ReasonCode.ToString());

        // Acknowledged means committed: the row is there when the PUBACK arrives, not later.
        var msgId = first["msgId"]!.GetValue<string>();
        Assert.Equal(1, await Count($"SELECT count(*) FROM alerts WHERE msg_id = '{msgId}'"));
        var alerts = await ComponentFiles.Json(await api.Dispatcher.GetAsync($"/api/alerts?device=mh-1"));
        var alert = alerts.GetProperty("items")[0];
        Assert.Equal(("opened", api.City.WestGrid, "E0403"), (alert.GetProperty("outcome").GetString(), alert.GetProperty("gridCode").GetString(), alert.GetProperty("classCode").GetString()));
        var number = alert.GetProperty("caseNumber").GetString()!;
        var detail = await ComponentFiles.Json(await api.Dispatcher.GetAsync($"/api/cases/{number}"));
        var c = detail.GetProperty("case");
        Assert.Equal(api.CoverCode, detail.GetProperty("componentCode").GetString());
        Assert.Equal(("mh-1", "manhole.tilt"), (detail.GetProperty("deviceId").GetString(), detail.GetProperty("alertType").GetString()));
        Assert.Equal("device", c.GetProperty("source").GetString());
        Assert.Equal(api.City.WestGrid, c.GetProperty("gridCode").GetString());
        Assert.Equal(1, await Count($"SELECT count(*) FROM devices WHERE id = 'mh-1' AND alarm_case_id IS NOT NULL"));

        // The same device and type again, a new msgId: one more alert on the open case, no new case.
        var again = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", IngestionFixture.Alert("mh-1", "manhole.tilt"));
        Assert.True(again.IsSuccess);
        Assert.Equal(2, await Count($"SELECT alert_count FROM cases WHERE number = '{number}'"));
        Assert.Equal(1, await Count("SELECT count(*) FROM cases WHERE device_id = 'mh-1'"));
        var joined = await ComponentFiles.Json(await api.Dispatcher.GetAsync($"/api/alerts?case={number}&outcome=joined"));
        Assert.Equal(1, joined.GetProperty("total").GetInt32());

        // A case opened by a device is dispatched as any other; verifying it clears the device's alarm.
        foreach (var body in new object[]
                 {
                     new { action = "accept" }, new { action = "dispatch", unit = "排水公司" }, new { action = "arrive" },
                     new { action = "feedback", note = "井盖已复位" },
                     new { action = "verify", lon = api.City.WestPoint.Lon, lat = api.City.WestPoint.Lat },
                 })
        {
            var r = await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", body);
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, await Count("SELECT count(*) FROM devices WHERE id = 'mh-1' AND alarm_case_id IS NOT NULL"));

        // Once closed, the case takes no more alerts: the next tilt of the same cover opens a new case.
        var closed = await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "close" });
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", IngestionFixture.Alert("mh-1", "manhole.tilt"))).IsSuccess);
        Assert.Equal(2, await Count($"SELECT alert_count FROM cases WHERE number = '{number}'"));
        Assert.Equal(2, await Count("SELECT count(*) FROM cases WHERE device_id = 'mh-1' AND alert_type = 'manhole.tilt'"));
        Assert.Equal(1, await Count("SELECT count(*) FROM cases WHERE device_id = 'mh-1' AND alert_type = 'manhole.tilt' AND state = 1"));
    }

    [Fact]
    public async Task A_repeated_msgId_is_absorbed_and_acknowledged_again()
    {
        using var client = await api.ConnectAsync("gw-b", api.SecretB);
        var alert = IngestionFixture.Alert("mh-9", "manhole.gas");
        for (var i = 0; i < 3; i++)
        {
            var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", alert);
            Assert.True(ack.IsSuccess);
        }
        Assert.Equal(1, await Count($"SELECT count(*) FROM alerts WHERE msg_id = '{alert["msgId"]}'"));
        Assert.Equal(1, await Count("SELECT count(*) FROM cases WHERE device_id = 'mh-9' AND alert_type = 'manhole.gas'"));
        var health = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/gateways/gw-b/health"));
        Assert.True(health.GetProperty("duplicates").GetInt64() >= 2);
        Assert.True(health.GetProperty("connected").GetBoolean());
        Assert.True(health.GetProperty("database").GetProperty("alerts").GetInt64() >= 1);
    }

    [Fact]
    public async Task A_repeat_stored_by_another_instance_is_absorbed_and_the_batch_around_it_written_whole()
    {
        // What another instance (or this one before a restart) stored: this writer does not remember it, so it is
        // not looked up before the COPY; the unique key refuses it and the batch is written again, looked up.
        var (wx, wy) = api.City.WestPoint;
        var msgId = $"elsewhere-{Guid.NewGuid():N}";
        var district = api.City.WestGrid[..6];
        Assert.Equal(1, await Count($"""
            WITH i AS (INSERT INTO alerts (gateway_id, msg_id, device_id, type, severity, observed_at, received_at, stored_at, location, district_code, grid_code, outcome)
            VALUES ('gw-b', '{msgId}', 'mh-9', 'manhole.gas', 'major', now(), now(), now(), ST_SetSRID(ST_MakePoint({wx}, {wy}), 4326), '{district}', '{api.City.WestGrid}', 4)
            RETURNING 1) SELECT count(*) FROM i
            """));
        var before = (await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/ingestion"))).GetProperty("batchesRewrittenForUnrememberedRepeats").GetInt64();

        using var client = await api.ConnectAsync("gw-b", api.SecretB);
        var fresh = Enumerable.Range(0, 30).Select(_ => IngestionFixture.Alert("mh-9", "manhole.gas")).ToList();
        var sends = fresh.Take(15).Append(IngestionFixture.Alert("mh-9", "manhole.gas", msgId)).Concat(fresh.Skip(15))
            .Select(a => IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", a)).ToList();
        Assert.All(await Task.WhenAll(sends), r => Assert.True(r.IsSuccess, r.ReasonCode.ToString()));

        // The repeat is still the row the other instance wrote; every fresh alert is stored once and joined one case.
        Assert.Equal(1, await Count($"SELECT count(*) FROM alerts WHERE msg_id = '{msgId}' AND outcome = 4"));
        var ids = string.Join(",", fresh.Select(a => $"'{a["msgId"]}'"));
        Assert.Equal(30, await Count($"SELECT count(*) FROM alerts WHERE msg_id IN ({ids})"));
        Assert.Equal(30, await Count($"SELECT count(DISTINCT msg_id) FROM alerts WHERE msg_id IN ({ids})"));
        Assert.Equal(1, await Count($"SELECT count(DISTINCT case_id) FROM alerts WHERE msg_id IN ({ids})"));
        Assert.Equal(1, await Count("SELECT count(*) FROM cases WHERE device_id = 'mh-9' AND alert_type = 'manhole.gas' AND state NOT IN (7, 8)"));
        var after = (await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/ingestion"))).GetProperty("batchesRewrittenForUnrememberedRepeats").GetInt64();
        Assert.True(after > before, "the batch holding the repeat was written a second time");

        // Now remembered: sent again, it is looked up and absorbed without another rewrite.
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", IngestionFixture.Alert("mh-9", "manhole.gas", msgId))).IsSuccess);
        Assert.Equal(after, (await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/ingestion"))).GetProperty("batchesRewrittenForUnrememberedRepeats").GetInt64());
        Assert.Equal(1, await Count($"SELECT count(*) FROM alerts WHERE msg_id = '{msgId}'"));
    }

    [Fact]
    public async Task Camera_detections_below_the_threshold_are_kept_without_a_case_and_nearby_ones_of_a_class_join_one_case()
    {
        using var client = await api.ConnectA();
        var (wx, wy) = api.City.WestPoint;
        var weak = IngestionFixture.Alert("cam-1", "camera.barbecue");
        weak["confidence"] = 0.3;
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", weak)).IsSuccess);
        var stored = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/alerts?device=cam-1&outcome=below-threshold"));
        Assert.Equal(1, stored.GetProperty("total").GetInt32());
        Assert.Equal(0, await Count("SELECT count(*) FROM cases WHERE class_code = 'E0507'"));

        // Street vending seen by one camera, then by a second one 10 m away: one case with two alerts.
        var seen = IngestionFixture.Alert("cam-1", "camera.vending");
        seen["confidence"] = 0.9;
        seen["media"] = "sha256:frame-1";
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", seen)).IsSuccess);
        var other = IngestionFixture.Alert("cam-2", "camera.vending");
        other["confidence"] = 0.8;
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", other)).IsSuccess);
        Assert.Equal(1, await Count("SELECT count(*) FROM cases WHERE class_code = 'E0502' AND source = 3"));
        Assert.Equal(2, await Count("SELECT alert_count FROM cases WHERE class_code = 'E0502'"));

        // A device that moves reports its own position; an unmapped type is kept and opens nothing.
        var flood = IngestionFixture.Alert("roamer", "flood.depth");
        flood["lon"] = wx + 0.012; // the east grid
        flood["lat"] = wy;
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", flood)).IsSuccess);
        Assert.Equal(1, await Count($"SELECT count(*) FROM cases WHERE class_code = 'E0401' AND grid_code = '{api.City.EastGrid}'"));
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", IngestionFixture.Alert("mh-1", "manhole.battery-low"))).IsSuccess);
        Assert.Equal(1, (await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/alerts?outcome=unmapped"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_acknowledgement_waits_for_the_commit()
    {
        using var client = await api.ConnectAsync("gw-b", api.SecretB);
        var alert = IngestionFixture.Alert("mh-9", "manhole.missing");
        // Hold the alerts table: the writer cannot commit, so the device must not get its PUBACK.
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        var tx = await conn.BeginTransactionAsync();
        await using (var lk = new NpgsqlCommand("LOCK TABLE alerts IN ACCESS EXCLUSIVE MODE", conn, tx)) await lk.ExecuteNonQueryAsync();
        var publish = IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", alert);
        var first = await Task.WhenAny(publish, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.NotSame(publish, first);
        await tx.CommitAsync();
        var ack = await publish;
        Assert.True(ack.IsSuccess);
        Assert.Equal(1, await Count($"SELECT count(*) FROM alerts WHERE msg_id = '{alert["msgId"]}'"));
    }

    [Fact]
    public async Task Gateways_are_created_by_admins_with_a_secret_shown_once_and_devices_registered_all_or_nothing()
    {
        await Problem.ExpectAsync(await api.Anonymous.PostAsJsonAsync("/api/gateways", new { name = "x" }), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.ExpectAsync(await api.Editor.PostAsJsonAsync("/api/gateways", new { name = "x" }), HttpStatusCode.Forbidden, "forbidden");
        await Problem.ExpectAsync(await api.Admin.PostAsJsonAsync("/api/gateways", new { id = "gw/+/#", name = "x" }), HttpStatusCode.BadRequest, "bad-id");
        await Problem.ExpectAsync(await api.Admin.PostAsJsonAsync("/api/gateways", new { id = "gw-x", name = "" }), HttpStatusCode.BadRequest, "bad-name");
        await Problem.ExpectAsync(await api.Admin.PostAsJsonAsync("/api/gateways", new { id = "gw-x", name = "x", districts = new[] { "31" } }), HttpStatusCode.BadRequest, "bad-districts");
        await Problem.ExpectAsync(await api.Admin.PostAsJsonAsync("/api/gateways", new { id = "gw-a", name = "again" }), HttpStatusCode.Conflict, "gateway-exists");
        var list = await api.Dispatcher.GetStringAsync("/api/gateways");
        Assert.Contains("gw-a", list);
        Assert.DoesNotContain("secret", list, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(api.SecretA, list);

        var bad = new JsonArray(
            new JsonObject { ["id"] = "ok-1", ["kind"] = "camera", ["lon"] = 121.465, ["lat"] = 31.23 },
            new JsonObject { ["id"] = "bad id", ["kind"] = "camera" },
            new JsonObject { ["id"] = "nokind" },
            new JsonObject { ["id"] = "ghost", ["kind"] = "manhole-sensor", ["componentCode"] = "31010101020000001" },
            new JsonObject { ["id"] = "mh-9", ["kind"] = "manhole-sensor" },
            new JsonObject { ["id"] = "half", ["kind"] = "camera", ["lon"] = 121.4 },
            new JsonObject { ["id"] = "ok-1", ["kind"] = "camera" });
        var response = await api.Editor.PostAsync("/api/gateways/gw-a/devices", new StringContent(bad.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.BadRequest, "bad-devices");
        var reasons = problem.Body.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("index").GetInt32()).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], reasons);
        Assert.Equal(0, await Count("SELECT count(*) FROM devices WHERE id = 'ok-1'"));
        await Problem.ExpectAsync(await api.Editor.PostAsync("/api/gateways/nope/devices", new StringContent("[]", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.NotFound, "gateway-not-found");
        await Problem.ExpectAsync(await api.Editor.PostAsync("/api/gateways/gw-a/devices", new StringContent("[]", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "no-devices");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/gateways/nope/health"), HttpStatusCode.NotFound, "gateway-not-found");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/gateways/nope"), HttpStatusCode.NotFound, "gateway-not-found");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/gateways/nope/devices"), HttpStatusCode.NotFound, "gateway-not-found");
        await Problem.ExpectAsync(await api.Admin.PostAsync("/api/gateways/nope/secret", null), HttpStatusCode.NotFound, "gateway-not-found");
        await Problem.ExpectAsync(await api.Dispatcher.PostAsync("/api/gateways/gw-a/secret", null), HttpStatusCode.Forbidden, "forbidden");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/alerts?case=310101-20990101-0001"), HttpStatusCode.NotFound, "case-not-found");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/alerts?from=yesterday"), HttpStatusCode.BadRequest, "bad-request");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/dead-letters?from=1e99"), HttpStatusCode.BadRequest, "bad-request");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/alerts?afterId=-x"), HttpStatusCode.BadRequest, "bad-request");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/ingestion"), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/alerts?outcome=lost"), HttpStatusCode.BadRequest, "bad-outcome");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/dead-letters?pageSize=0"), HttpStatusCode.BadRequest, "bad-paging");
        var devices = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/gateways/gw-a/devices?pageSize=2"));
        Assert.Equal(4, devices.GetProperty("total").GetInt32());
        Assert.Equal(2, devices.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_wrong_secret_or_an_unknown_gateway_cannot_connect()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => api.ConnectAsync("gw-a", "sgw_wrong"));
        await Assert.ThrowsAnyAsync<Exception>(() => api.ConnectAsync("gw-zz", api.SecretA));
        await Assert.ThrowsAnyAsync<Exception>(() => api.ConnectAsync("gw-b", api.SecretA));
        // A rotated secret: the old one no longer connects, the new one does.
        var rotated = await ComponentFiles.Json(await api.Admin.PostAsync("/api/gateways/gw-rot/secret", null).ContinueWith(async t =>
        {
            var r = await t;
            if (r.StatusCode == HttpStatusCode.NotFound)
            {
                var old = await api.CreateGateway("gw-rot");
                using (var c = await api.ConnectAsync("gw-rot", old)) Assert.True(c.IsConnected);
                r = await api.Admin.PostAsync("/api/gateways/gw-rot/secret", null);
                await Assert.ThrowsAnyAsync<Exception>(() => api.ConnectAsync("gw-rot", old));
            }
            return r;
        }).Unwrap());
        using var fresh = await api.ConnectAsync("gw-rot", rotated.GetProperty("secret").GetString()!);
        Assert.True(fresh.IsConnected);
    }
}

/// <summary>A storm of new incidents: many devices alarming at once open their cases together, in one batch.</summary>
public sealed class AlertStormTests(IngestionFixture api) : IClassFixture<IngestionFixture>
{
    [Fact]
    public async Task Many_devices_alarming_at_once_each_open_a_numbered_case_with_an_intact_history()
    {
        var (wx, wy) = api.City.WestPoint;
        var devices = new System.Text.Json.Nodes.JsonArray(Enumerable.Range(0, 40).Select(n => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            // 40 smoke detectors 50 m apart in a line: too far apart for the class rule (30 m) to join them.
            ["id"] = $"smoke-{n}", ["kind"] = "smoke-detector", ["lon"] = wx - 0.004 + n % 8 * 0.0006, ["lat"] = wy - 0.004 + n / 8 * 0.0006,
        }).ToArray());
        await api.RegisterDevices("gw-a", devices);
        using var client = await api.ConnectA();
        var sends = Enumerable.Range(0, 40).Select(n => IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", IngestionFixture.Alert($"smoke-{n}", "smoke.alarm"))).ToList();
        Assert.All(await Task.WhenAll(sends), r => Assert.True(r.IsSuccess));

        Assert.Equal(40, await api.ScalarAsync("SELECT count(*) FROM cases WHERE alert_type = 'smoke.alarm'"));
        Assert.Equal(40, await api.ScalarAsync("SELECT count(DISTINCT number) FROM cases WHERE alert_type = 'smoke.alarm'"));
        Assert.Equal(40, await api.ScalarAsync("SELECT count(*) FROM devices WHERE id LIKE 'smoke-%' AND alarm_case_id IS NOT NULL"));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM alerts a JOIN cases c ON c.id = a.case_id WHERE a.device_id LIKE 'smoke-%' AND c.device_id <> a.device_id"));
        var page = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/cases?class=E0402&pageSize=100"));
        foreach (var c in page.GetProperty("items").EnumerateArray().Take(10))
        {
            var number = c.GetProperty("number").GetString();
            var chain = await ComponentFiles.Json(await api.Dispatcher.GetAsync($"/api/cases/{number}/chain"));
            Assert.True(chain.GetProperty("intact").GetBoolean(), number);
        }
        // Repeats of the same alarms join their own cases.
        var again = Enumerable.Range(0, 40).Select(n => IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", IngestionFixture.Alert($"smoke-{n}", "smoke.alarm"))).ToList();
        await Task.WhenAll(again);
        Assert.Equal(40, await api.ScalarAsync("SELECT count(*) FROM cases WHERE alert_type = 'smoke.alarm' AND alert_count = 2"));
    }
}
