// The patrol layers of the web map, a live worker's panel and the replay of their day, in Debian's Chromium against
// the service with the demo city and its demo patrols (deploy/test.sh). A worker of the test's own walks the last
// 20 minutes, so that someone is live whatever the hour (the demo's shifts leave nobody out at night).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { base, key, shots, openMap, showGroup } from './open-map.mjs';

const worker = 'web-test-walker';
// 40 fixes 30 s apart ending 20 s ago: 20 steps east, then 20 north, near the map's first view but off its centre.
const now = Date.now();
const walk = Array.from({ length: 40 }, (_, i) => ({
  worker,
  t: new Date(now - 20000 - (39 - i) * 30000).toISOString(),
  lon: +(121.4717 + 0.00025 * Math.min(i, 20)).toFixed(7),
  lat: +(31.2314 + 0.0002 * Math.max(0, i - 20)).toFixed(7),
  accuracy: 5,
}));
const last = walk[walk.length - 1];

let page, errors, outside, rendered, settle, close;

const post = async (path, body) => {
  const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
};

before(async () => {
  await post('/api/patrols/workers', { id: worker, name: '测试网格员', role: 'grid-worker', district: '310101' });
  const stored = await post('/api/patrols/positions', { msgId: `web-test-${now}`, fixes: walk });
  assert.deepEqual(stored.refused, []);
  ({ page, errors, outside, rendered, settle, close } = await openMap({ view: 'plan' }));
});

after(async () => { await close?.(); });

const show = (group) => showGroup(page, group);
const markerAt = () => page.evaluate(() => window.sg.replay.marker.getLngLat().toArray());

test('patrol coverage, unvisited grids, tracks and live workers draw once toggled on', async () => {
  assert.equal(await rendered('patrols-coverage'), 0, 'hidden at first');
  await show('coverage');
  await show('unvisited');
  await show('tracks');
  await show('live');
  for (const layer of ['patrols-coverage', 'patrols-unvisited', 'patrols-unvisited-line', 'patrols-tracks', 'patrols-live']) {
    assert.ok(await rendered(layer) > 0, `${layer} draws features`);
  }
  const ours = await page.evaluate((w) => window.sgMap.queryRenderedFeatures({ layers: ['patrols-live'] }).filter((f) => f.properties.worker === w)
    .map((f) => f.properties), worker);
  assert.equal(ours.length, 1);
  assert.ok(ours[0].age_s < 600, `a fresh fix (${ours[0].age_s} s)`);
  assert.match(ours[0].grid, /^\d{15}$/);
  await page.screenshot({ path: `${shots}/map-patrols.png` });
});

test('clicking a live worker opens their panel with their day', async () => {
  await page.evaluate((p) => window.sgMap.jumpTo({ center: [p.lon, p.lat], zoom: 17 }), last);
  await settle();
  const point = await page.evaluate((w) => {
    const f = window.sgMap.queryRenderedFeatures({ layers: ['patrols-live'] }).find((g) => g.properties.worker === w);
    return window.sgMap.project(f.geometry.coordinates);
  }, worker);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + point.x, box.y + point.y);
  await page.waitForSelector(`#panel h2[data-worker="${worker}"]`, { timeout: 15000 });
  assert.equal(await page.textContent('#panel h2'), '测试网格员');
  await page.waitForSelector('#worker-day table', { timeout: 15000 });
  assert.match(await page.textContent('#worker-day'), /min walked/);
});

test('the replay draws their day and its slider moves the marker along the track', async () => {
  await page.click('#replay-load');
  await page.waitForSelector('#replay-slider', { timeout: 15000 });
  await settle();
  assert.ok(await rendered('replay-track') > 0, 'the day\'s track is drawn');
  await page.focus('#replay-slider');
  await page.keyboard.press('Home');
  const start = await markerAt();
  const startTime = await page.textContent('#replay-time');
  assert.match(startTime, /^\d\d:\d\d:\d\d$/);
  // Half way between two fixes the marker lies between them, not on either.
  await page.evaluate(() => { const s = document.getElementById('replay-slider'); s.value = Number(s.max) - 45; s.dispatchEvent(new Event('input')); });
  const between = await markerAt();
  assert.notDeepEqual(between, start);
  assert.ok(between[1] > walk[37].lat && between[1] < walk[38].lat, `between the 38th and 39th fix (${between})`);
  await page.keyboard.press('End');
  const end = await markerAt();
  assert.ok(Math.abs(end[0] - last.lon) < 1e-6 && Math.abs(end[1] - last.lat) < 1e-6, `ends at the last fix (${end})`);
  assert.notEqual(await page.textContent('#replay-time'), startTime);
  await page.screenshot({ path: `${shots}/map-replay.png` });
});

test('another panel ends the replay', async () => {
  await page.fill('#q', '310101002001001');
  await page.click('#search button');
  await page.waitForSelector('#panel h2[data-code="310101002001001"]', { timeout: 15000 });
  assert.equal(await page.evaluate(() => window.sg.replay), null);
  assert.equal(await page.evaluate(() => window.sgMap.getSource('replay')), undefined);
  assert.equal(await page.locator('.replay-marker').count(), 0);
});

test('the patrol views log no console errors and send no request off the machine', () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
});

test('a team\'s day replays with all its workers on one slider', async () => {
  await page.waitForFunction(() => document.querySelectorAll('#shift-team option').length > 1, null, { timeout: 15000 });
  await page.selectOption('#shift-team', { index: 1 });
  // Yesterday: a whole day of the demo's shifts, whatever the hour the tests run at.
  const yesterday = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10);
  await page.fill('#shift-form input[name=day]', yesterday);
  await page.click('#shift-load');
  await page.waitForSelector('#shift-slider', { timeout: 30000 });
  assert.match(await page.textContent('#shift-box'), /\d+ workers/);
  const workers = Number((await page.textContent('#shift-box')).match(/(\d+) workers/)[1]);
  assert.ok(workers >= 2, `several workers at once (${workers})`);
  await page.evaluate(() => { const s = document.getElementById('shift-slider'); s.value = String(Math.round(Number(s.max) / 2)); s.dispatchEvent(new Event('input')); });
  await settle();
  assert.ok(await rendered('shift-workers') >= 2, 'the workers are drawn at the slider\'s time');
  assert.match(await page.textContent('#shift-time'), /^\d\d:\d\d:\d\d$/);
  await page.screenshot({ path: `${shots}/map-shift-replay.png` });
  assert.deepEqual(errors, []);
});
