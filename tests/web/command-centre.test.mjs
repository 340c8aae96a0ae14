// The command centre's roles end to end in Chromium against the real service and the demo city: the dispatcher
// filters, accepts and dispatches and sees the colour change; a case sent over MQTT by a device appears in the
// queue and on the map without reload; the planner's charts and CSV export; the phone layout reports and verifies;
// a wrong key is told; no console errors, nothing leaves the machine, no serious axe-core finding; screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import mqtt from 'mqtt';
import { base, key, adminKey, shots, launch, openMap, api, showGroup } from './open-map.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let browser;
const pages = [];

before(async () => { browser = await launch(); });
after(async () => { for (const p of pages) await p.close().catch(() => {}); await browser?.close(); });

async function open(opts) {
  const o = await openMap({ browser, ...opts });
  pages.push(o.page);
  return o;
}

/** axe-core in the page: no serious or critical violation (the map canvas itself is excluded: it is an image). */
async function axe(page, what) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run({ exclude: [['.maplibregl-canvas-container']] }, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  assert.deepEqual(result, [], `${what}: axe-core finds ${result.join('; ')}`);
}

test('a first visit without a key opens the sign-in form; continuing without one shows the public map', async () => {
  const { page, errors } = await open({ withKey: '', waitForCases: false });
  await page.waitForSelector('#sign-in[open]', { timeout: 20000 });
  await page.click('#sign-in-skip');
  await page.waitForFunction(() => !document.getElementById('sign-in').open);
  await page.waitForFunction(() => window.sgMap.loaded() && window.sgMap.queryRenderedFeatures({ layers: ['grids-fill'] }).length > 0, null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => window.sgMap.getLayer('cases')), undefined, 'no case layer without a key');
  assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
});

test('a wrong key is told in the sign-in form, and the form signs in with a right one', async () => {
  const { page, errors } = await open({ withKey: 'sgk_wrong_wrong_wrong_wrong', view: 'dispatch', waitForCases: false });
  await page.waitForSelector('#sign-in[open]', { timeout: 20000 });
  assert.match(await page.textContent('#sign-in-error'), /refused|unknown|malformed/i);
  assert.equal(await page.getAttribute('#key', 'type'), 'password');
  // The map is made while the key is checked (#21): once refused, it shows the public layers, not the keyed ones.
  await page.waitForFunction(() => window.sgMap?.getLayer('grids-fill') && !window.sgMap.getLayer('cases'), null, { timeout: 20000 });
  await page.fill('#key', 'sgk_still_not_a_key_at_all');
  await page.click('#sign-in-go');
  await page.waitForFunction(() => /refused/i.test(document.getElementById('sign-in-error').textContent) && document.getElementById('sign-in').open);
  await page.fill('#key', key);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in-go')]);
  await page.waitForSelector('#state-tabs button[data-state="open"]', { timeout: 30000 });
  assert.match(await page.textContent('#who'), /dispatcher/);
  await page.screenshot({ path: `${shots}/cc-sign-in-done.png` });
  assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
});

test('the dispatcher filters the queue, accepts and dispatches a case, and sees its colour change', async () => {
  // A case reported 9 minutes ago: its 10-minute dispatch deadline is near, so it is yellow until it is dispatched.
  const center = { lon: 121.4737, lat: 31.2304 };
  const tag = `yellow street vending ${Date.now()}`;
  const made = await api('/api/cases', { method: 'POST', body: { classCode: 'E0502', description: `web test: ${tag} 占道经营`,
    lon: center.lon, lat: center.lat, reportedAt: new Date(Date.now() - 9 * 60000).toISOString() } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const number = made.body.case.number;
  const { page, errors, outside } = await open({ view: 'dispatch' });
  await page.waitForSelector('#case-list .case-row[data-number]', { timeout: 30000 });
  // Filter: yellow ones, by text.
  await page.selectOption('#filters select[name=colour]', 'yellow');
  await page.fill('#filters input[name=q]', tag);
  // The text filter answers with this one case only.
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('#case-list .case-row[data-number]')];
    return rows.length === 1 && rows[0].dataset.number === n;
  }, number, { timeout: 15000 });
  assert.match(await page.textContent('.queue-total'), /^1 cases$/);
  assert.match(await page.textContent('#state-tabs'), /Open \d+/);
  await page.click(`#case-list .case-row[data-number="${number}"]`);
  await page.waitForSelector(`#panel h2[data-number="${number}"]`);
  assert.match(await page.textContent('#panel .case-head'), /Nearly due/);
  // The map marks it.
  assert.equal(await page.evaluate(() => window.sgMap.getFilter('case-selected')[2]), number);
  await page.screenshot({ path: `${shots}/cc-dispatch-yellow.png` });
  // Accept with the keyboard, then dispatch with the button.
  await page.locator('#panel').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('a');
  await page.waitForSelector('form.action-form[data-action="accept"]');
  await page.click('form.action-form button[type=submit]');
  await page.waitForFunction(() => /Accepted/.test(document.querySelector('#panel .case-head').textContent));
  await page.click('#panel button[data-action="dispatch"]');
  await page.fill('form.action-form input[name=unit]', '区城管执法局');
  await page.click('form.action-form button[type=submit]');
  await page.waitForFunction(() => /Dispatched/.test(document.querySelector('#panel .case-head').textContent), null, { timeout: 15000 });
  assert.match(await page.textContent('#panel .case-head'), /On time/);
  // A stale version is a conflict, explained.
  const stale = await api(`/api/cases/${number}/actions`, { method: 'POST', body: { action: 'return', version: 1 } });
  assert.equal(stale.status, 409);
  await page.screenshot({ path: `${shots}/cc-dispatch-done.png` });
  await axe(page, 'the dispatcher view');
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
});

test('a case a device sends over MQTT appears in the queue and on the map without reload', async () => {
  assert.ok(adminKey, 'SG_WEB_ADMIN_KEY is set');
  const { page, errors } = await open({ view: 'dispatch' });
  await page.waitForSelector('#live.live', { timeout: 20000 });
  // Newest first, so the new case comes in at the top of the queue.
  await page.selectOption('#filters select[name=sort]', '-reported');
  const id = `web-gw-${Date.now()}`;
  // Somewhere no earlier alert was (an alert near an open case of its kind joins that case instead of opening one).
  const lon = +(121.4725 + Math.random() * 0.003).toFixed(6), lat = +(31.2295 + Math.random() * 0.002).toFixed(6);
  const gw = await api('/api/gateways', { method: 'POST', k: adminKey, body: { id, name: 'web test gateway', districts: ['310101'] } });
  assert.equal(gw.status, 201, JSON.stringify(gw.body));
  const reg = await api(`/api/gateways/${id}/devices`, { method: 'POST', k: adminKey, body: [{ id: `${id}-mh`, kind: 'manhole', lon, lat }] });
  assert.equal(reg.status, 200, JSON.stringify(reg.body));
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${process.env.SG_WEB_MQTT_PORT ?? 18839}`, { username: gw.body.username, password: gw.body.secret, clientId: id, protocolVersion: 5 });
  await client.publishAsync(gw.body.publishTopic, JSON.stringify({ msgId: `${id}-1`, deviceId: `${id}-mh`, type: 'manhole.tilt', severity: 'major',
    observedAt: new Date().toISOString(), lon, lat }), { qos: 1 });
  await client.endAsync();
  // The case the alert opened, as the service tells it (the alert's outcome names it).
  let number;
  for (let i = 0; i < 40 && !number; i++) {
    number = (await api(`/api/alerts?gateway=${id}`)).body.items[0]?.caseNumber;
    if (!number) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(number, 'the alert opened a case');
  await page.waitForSelector(`#case-list .case-row[data-number="${number}"]`, { timeout: 20000 });
  await page.waitForFunction((n) => window.sgMap.queryRenderedFeatures({ layers: ['cases'] }).some((f) => f.properties.number === n), number, { timeout: 20000, polling: 250 });
  assert.equal(await page.isVisible('#new-cases'), true);
  assert.match(await page.textContent('#new-cases'), /new/);
  await page.screenshot({ path: `${shots}/cc-mqtt-case.png` });
  assert.deepEqual(errors, []);
});

test('the red-light and yellow lists are there and open a case', async () => {
  const { page } = await open({ view: 'dispatch' });
  await page.click('.work-tabs button[data-tab="red"]');
  await page.waitForSelector('#work h2.list-title');
  await page.click('.work-tabs button[data-tab="yellow"]');
  await page.waitForSelector('#work h2.list-title');
  assert.match(await page.textContent('#work h2.list-title'), /Yellow/);
});

test('the planner sees the measures charted and ranked, exports CSV, and the page prints', async () => {
  const k = (await api('/api/keys', { method: 'POST', k: adminKey, body: { name: `planner-${Date.now()}`, roles: ['planner'] } })).body;
  const { page, errors, outside } = await open({ view: 'plan', withKey: k.key ?? k.apiKey ?? k.secret });
  await page.waitForSelector('#rank-table table.ranking tr td', { timeout: 30000 });
  assert.ok(await page.evaluate(() => document.querySelectorAll('#rank-chart canvas').length) > 0, 'the ranking is drawn by ECharts');
  assert.ok(await page.evaluate(() => document.querySelectorAll('#trend-chart canvas').length) > 0, 'the trend is drawn');
  await page.selectOption('#plan-form select[name=by]', 'class');
  await page.waitForFunction(() => /E\d{4}/.test(document.getElementById('rank-table').textContent), null, { timeout: 15000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.match(download.suggestedFilename(), /^case-measures-class-.*\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /Key|key/);
  // Patrol coverage of yesterday (a whole demo day, Shanghai time): grids walked with the share of their roads walked.
  const yesterday = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10);
  await page.fill('#coverage-form input[name=date]', yesterday);
  await page.dispatchEvent('#coverage-form input[name=date]', 'change');
  await page.waitForFunction(() => /\d+ %/.test(document.querySelector('#coverage table.ranking tbody')?.textContent ?? ''), null, { timeout: 20000 });
  assert.match(await page.textContent('#coverage'), /grids walked/);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#map'), false, 'the map is left out of the print');
  await page.emulateMedia({ media: 'screen' });
  await page.screenshot({ path: `${shots}/cc-plan.png` });
  await axe(page, 'the planner view');
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
});

test('the phone layout: a field worker reports a case at their position and verifies a handled case on site', async () => {
  const k = (await api('/api/keys', { method: 'POST', k: adminKey, body: { name: `patrol-${Date.now()}`, roles: ['patrol'] } })).body;
  const patrolKey = k.key ?? k.apiKey ?? k.secret;
  // A handled case waiting for its verification.
  const lon = 121.4737, lat = 31.2304;
  const made = await api('/api/cases', { method: 'POST', body: { classCode: 'E0101', description: 'web test: exposed garbage to verify', lon, lat } });
  const number = made.body.case.number;
  let version = made.body.case.version;
  for (const step of [{ action: 'accept' }, { action: 'dispatch' }, { action: 'arrive' }, { action: 'feedback', note: 'cleared' }]) {
    const r = await api(`/api/cases/${number}/actions`, { method: 'POST', body: { ...step, version } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    version = r.body.case.version;
  }
  const { page, errors, outside } = await open({ view: 'field', withKey: patrolKey, viewport: { width: 390, height: 844 } });
  const mapBox = await page.locator('#map').boundingBox();
  assert.ok(mapBox.height > 300, `the map keeps ${mapBox.height} px on a phone`);
  await page.evaluate(([x, y]) => window.sgMap.jumpTo({ center: [x, y], zoom: 17 }), [lon, lat]);
  await page.selectOption('#field-report select[name=classCode]', 'E0104');
  await page.fill('#field-report textarea[name=description]', 'web test: overflowing bin reported from the phone');
  await page.fill('#field-report input[name=photo]', 'photo-0001.jpg');
  await page.click('#field-report button[type=submit]');
  await page.waitForSelector('#panel h2[data-number]', { timeout: 15000 });
  const reported = await page.getAttribute('#panel h2[data-number]', 'data-number');
  assert.match(reported, /^\d{6}-\d{8}-\d+$/);
  await page.screenshot({ path: `${shots}/cc-field-reported.png` });
  // Verify the handled case from the scene.
  await page.waitForSelector(`#field-cases button[data-number="${number}"]`, { timeout: 15000 });
  await page.click(`#field-cases button[data-number="${number}"]`);
  await page.waitForSelector(`#panel h2[data-number="${number}"]`);
  // From a kilometre away the service refuses: told by its kind in the interface's language, then its own detail.
  const refusedFar = async () => {
    await page.click('#panel button[data-action="verify"]');
    await page.waitForSelector('form.action-form[data-action="verify"]');
    const here = Number(await page.inputValue('form.action-form input[name=lon]'));
    await page.fill('form.action-form input[name=lon]', String(here + 0.01));
    await page.click('form.action-form button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('form.action-form .form-error')?.textContent ?? '').length > 0, null, { timeout: 15000 });
    return page.textContent('form.action-form .form-error');
  };
  const openCase = async () => {
    await page.waitForSelector(`#field-cases button[data-number="${number}"]`, { timeout: 15000 });
    await page.click(`#field-cases button[data-number="${number}"]`);
    await page.waitForSelector(`#panel h2[data-number="${number}"]`);
  };
  assert.match(await refusedFar(), /^Your position is outside the case's grid: .*grid/);
  await page.selectOption('#lang', 'zh-CN');
  await openCase();
  assert.match(await refusedFar(), /^核查位置不在案件所在网格内：/);
  await page.selectOption('#lang', 'en');
  await openCase();
  // Chromium logs each refused request (the two 422s above) as a console error: those two are expected, nothing else.
  const refusals = errors.filter((e) => /status of 422/.test(e));
  assert.ok(refusals.length <= 2, refusals.join('; '));
  errors.splice(0, errors.length, ...errors.filter((e) => !/status of 422/.test(e)));
  await page.click('#panel button[data-action="verify"]');
  assert.ok(Number(await page.inputValue('form.action-form input[name=lon]')) > 121);
  await page.click('form.action-form button[type=submit]');
  await page.waitForFunction(() => /Verified/.test(document.querySelector('#panel .case-head').textContent), null, { timeout: 15000 });
  await page.screenshot({ path: `${shots}/cc-field-verified.png`, fullPage: true });
  await axe(page, 'the field view');
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
});

test('a patrol key bound to a worker opens the field view as that worker, and offers nobody else', async () => {
  const stamp = Date.now();
  const mine = `web-bound-${stamp}`, other = `web-other-${stamp}`;
  for (const [id, name] of [[mine, '绑定监督员'], [other, '其他监督员']]) {
    const r = await api('/api/patrols/workers', { method: 'POST', k: adminKey, body: { id, name, role: 'supervisor', district: '310101' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const made = await api('/api/keys', { method: 'POST', k: adminKey, body: { name: `phone-${stamp}`, roles: ['patrol'], worker: mine } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const bound = await api('/api/session', { k: made.body.key });
  assert.equal(bound.body.worker, mine, 'the session tells the key\'s worker');
  const { page, errors, outside } = await open({ view: 'field', withKey: made.body.key, viewport: { width: 390, height: 844 } });
  await page.waitForSelector('#field-worker');
  assert.equal(await page.inputValue('#field-worker'), mine, 'the bound worker is chosen already');
  const offered = await page.$$eval('#field-worker option', (os) => os.map((o) => o.value));
  assert.deepEqual(offered, [mine], 'no other worker (and no empty choice) is offered');
  assert.ok(await page.isDisabled('#field-worker'), 'the choice cannot be changed');
  assert.match(await page.textContent('#field-bound'), new RegExp(mine));
  // The shift box reads the bound worker's day at once (no "choose yourself first").
  await page.waitForFunction(() => document.querySelector('#field-shift h2'), null, { timeout: 15000 });
  // An unbound patrol key still chooses among the district's workers, the two above among them.
  const relay = await api('/api/keys', { method: 'POST', k: adminKey, body: { name: `relay-${stamp}`, roles: ['patrol'] } });
  const unbound = await open({ view: 'field', withKey: relay.body.key, viewport: { width: 390, height: 844 } });
  await unbound.page.waitForSelector('#field-worker');
  const choices = await unbound.page.$$eval('#field-worker option', (os) => os.map((o) => o.value));
  assert.ok(choices.includes(mine) && choices.includes(other) && choices.includes(''), `an unbound key chooses (${choices.length} choices)`);
  assert.ok(!(await unbound.page.isDisabled('#field-worker')));
  await axe(page, 'the bound field view');
  assert.deepEqual([...errors, ...unbound.errors], []);
  assert.deepEqual([...outside, ...unbound.outside], []);
});

test('the big screen shows the counts, the trend and the red list; Chinese by default', async () => {
  const { page, errors } = await open({ view: 'screen', lang: 'zh-CN', viewport: { width: 1920, height: 1080 } });
  await page.waitForSelector('#kpis .kpi .n', { timeout: 20000 });
  assert.match(await page.textContent('#views'), /受理派遣/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.ok(await page.evaluate(() => document.querySelectorAll('#screen-trend canvas').length) > 0);
  await page.screenshot({ path: `${shots}/cc-screen.png` });
  assert.deepEqual(errors, []);
});

test('a component is clicked open with its class, status and devices', async () => {
  const { page, errors } = await open({ view: 'dispatch' });
  await showGroup(page, 'cases', false);
  await page.evaluate(() => window.sgMap.jumpTo({ zoom: 17.5 }));
  await page.waitForFunction(() => window.sgMap.loaded() && window.sgMap.areTilesLoaded() && window.sgMap.queryRenderedFeatures({ layers: ['components'] }).length > 0, null, { timeout: 30000 });
  // The component nearest the map's centre: the first one rendered may lie at an edge, under the legend or a panel
  // (the click then opened nothing: a flake that came and went with the order of the rendered features).
  const point = await page.evaluate(() => {
    const c = window.sgMap.getCanvas();
    const mid = { x: c.clientWidth / 2, y: c.clientHeight / 2 };
    const points = window.sgMap.queryRenderedFeatures({ layers: ['components'] }).map((f) => window.sgMap.project(f.geometry.coordinates));
    return points.sort((a, b) => Math.hypot(a.x - mid.x, a.y - mid.y) - Math.hypot(b.x - mid.x, b.y - mid.y))[0];
  });
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + point.x, box.y + point.y);
  await page.waitForSelector('#panel h2[data-component]', { timeout: 15000 });
  assert.match(await page.textContent('#panel'), /Status/);
  assert.match(await page.evaluate(() => JSON.stringify(window.sgMap.getFilter('component-selected'))), /\d{16}/);
  assert.deepEqual(errors, []);
});

test('the dispatcher sends a confirm task; with nobody on shift it waits, visibly, in the acceptor\'s queue; the seven nodes show', async () => {
  const made = await api('/api/cases', { method: 'POST', body: { classCode: 'E0105', description: 'web test: posters to confirm', lon: 121.4739, lat: 31.2306, source: 'resident' } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const number = made.body.case.number;
  const { page, errors } = await open({ view: 'dispatch' });
  await page.fill('#q', number);
  await page.click('#search button');
  await page.waitForSelector(`#panel h2[data-number="${number}"]`);
  await page.waitForSelector('#case-nodes ol.nodes li');
  assert.equal(await page.locator('#case-nodes ol.nodes li').count(), 7);
  assert.match(await page.textContent('#case-nodes ol.nodes li.done'), /Collect/);
  await page.click('#send-task');
  await page.waitForSelector('#case-nodes ul.tasks li', { timeout: 15000 });
  const line = await page.textContent('#case-nodes ul.tasks li');
  assert.match(line, /Confirm/);
  await page.click('.work-tabs button[data-tab="tasks"]');
  await page.waitForSelector('#work h2.list-title');
  assert.match(await page.textContent('#work'), new RegExp(number));
  await page.screenshot({ path: `${shots}/cc-tasks.png` });
  assert.deepEqual(errors, []);
});

test('the planner sees people graded A–E and areas ranked, and follows a figure to its cases', async () => {
  const k = (await api('/api/keys', { method: 'POST', k: adminKey, body: { name: `planner-eval-${Date.now()}`, roles: ['planner'] } })).body;
  const { page, errors } = await open({ view: 'plan', withKey: k.key });
  await page.waitForSelector('#eval-table table, #eval-table p', { timeout: 30000 });
  await page.selectOption('#eval-form select[name=by]', 'area');
  // The areas' table (not the people's, which was there before): its first figure is the cases a street opened.
  await page.waitForFunction(() => /Areas and units/.test(document.querySelector('#eval-table caption')?.textContent ?? ''), null, { timeout: 30000 });
  await page.click('#eval-table table.ranking td a[data-cases]');
  await page.waitForSelector('#panel .watch-list li button[data-number]', { timeout: 15000 });
  await page.screenshot({ path: `${shots}/cc-evaluation.png` });
  assert.deepEqual(errors, []);
});

test('the planner draws the case heat map and the density per grid for a period and class, from aggregated tiles', async () => {
  const k = (await api('/api/keys', { method: 'POST', k: adminKey, body: { name: `planner-heat-${Date.now()}`, roles: ['planner'] } })).body;
  const { page, errors, outside, rendered } = await open({ view: 'plan', withKey: k.key });
  await page.waitForSelector('#heat-form');
  const heatTiles = [];
  page.on('response', (r) => { if (r.url().includes('/tiles/heat/')) heatTiles.push({ url: r.url(), status: r.status() }); });
  await page.evaluate(() => window.sgMap.jumpTo({ zoom: 13 }));
  await page.click('#density-show');
  await page.waitForFunction(() => window.sgMap.loaded() && window.sgMap.areTilesLoaded() && window.sgMap.queryRenderedFeatures({ layers: ['density-fill'] }).length > 0, null, { timeout: 30000 });
  const grid = await page.evaluate(() => window.sgMap.queryRenderedFeatures({ layers: ['density-fill'] })[0].properties);
  assert.ok(Number(grid.count) > 0 && Number(grid.per_km2) > 0, JSON.stringify(grid));
  await page.click('#heat-show');
  await page.waitForFunction(() => window.sgMap.loaded() && window.sgMap.areTilesLoaded(), null, { timeout: 30000 });
  assert.ok(heatTiles.some((r) => r.status === 200 && /from=\d{4}-\d\d-\d\d/.test(r.url)), `heat tiles with the period: ${JSON.stringify(heatTiles.slice(0, 3))}`);
  // A class narrows both layers: the tiles are asked again with it.
  await page.selectOption('#heat-form select[name=class]', 'E0502');
  await page.waitForFunction(() => window.sgMap.loaded() && window.sgMap.areTilesLoaded(), null, { timeout: 30000 });
  assert.ok(heatTiles.some((r) => r.url.includes('class=E0502')));
  await page.screenshot({ path: `${shots}/cc-heat.png` });
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
  assert.ok(await rendered('density-fill') >= 0);
});
