// The web map in Debian's Chromium against the running service with the demo city (deploy/test.sh starts both).
// SG_WEB_URL: the service; SG_WEB_KEY: a dispatcher key; SG_WEB_SHOTS: where the screenshot goes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { base, key, shots, openMap, showGroup } from './open-map.mjs';

let page, errors, outside, rendered, settle, close;

before(async () => { ({ page, errors, outside, rendered, settle, close } = await openMap({ view: 'dispatch' })); });

after(async () => { await close?.(); });

test('the page loads with no console errors and no request leaving the machine', async () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
  await page.screenshot({ path: `${shots}/map.png` });
});

test('every layer draws features and toggles off', async () => {
  for (const layer of ['roads', 'grids-fill', 'districts-line']) {
    assert.ok(await rendered(layer) > 0, `${layer} draws features`);
  }
  // Point components from zoom 16 (the first view, 15.5, leaves their thousands of icons out: #21).
  assert.equal(await rendered('components'), 0, 'no component icons at the first view');
  const first = await page.evaluate(() => ({ center: window.sgMap.getCenter(), zoom: window.sgMap.getZoom() }));
  await page.evaluate(() => window.sgMap.jumpTo({ zoom: 16.5 }));
  await settle();
  assert.ok(await rendered('components') > 0, 'components draw from zoom 16');
  await page.evaluate((f) => window.sgMap.jumpTo(f), first);
  await settle();
  await showGroup(page, 'grids', false);
  assert.equal(await rendered('grids-fill'), 0);
  await showGroup(page, 'grids', true);
  assert.ok(await rendered('grids-fill') > 0);
});

test('clicking a grid opens its panel with its code', async () => {
  // Cases lie over grids: hide them so the click reaches the grid.
  await showGroup(page, 'cases', false);
  await showGroup(page, 'components', false);
  const target = await page.evaluate(() => {
    const f = window.sgMap.queryRenderedFeatures({ layers: ['grids-fill'] })[0];
    const c = window.sgMap.getCenter();
    return { code: null, point: window.sgMap.project(c), any: f?.properties.code };
  });
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + target.point.x, box.y + target.point.y);
  await page.waitForSelector('#panel h2[data-code]', { timeout: 15000 });
  const code = await page.getAttribute('#panel h2[data-code]', 'data-code');
  assert.match(code, /^\d{15}$/);
  const under = await page.evaluate((p) => window.sgMap.queryRenderedFeatures([p.x, p.y], { layers: ['grids-fill'] }).map((f) => f.properties.code), target.point);
  assert.ok(under.includes(code), `panel ${code} is a grid under the click (${under})`);
  // The grid is highlighted on the map.
  assert.deepEqual(await page.evaluate(() => window.sgMap.getFilter('grid-selected')[2]), code);
});

test('a click inside a dedicated grid opens it and offers the grid under it', async () => {
  // The demo city's dedicated grids (People's Square and others) lie over comprehensive grids.
  const target = await page.evaluate(() => {
    const f = window.sgMap.queryRenderedFeatures({ layers: ['grids-fill'] }).find((g) => g.properties.kind === 'dedicated');
    if (!f) return null;
    const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates[0])[0];
    const lon = ring.reduce((s, c) => s + c[0], 0) / ring.length, lat = ring.reduce((s, c) => s + c[1], 0) / ring.length;
    return { code: f.properties.code, point: window.sgMap.project([lon, lat]) };
  });
  assert.ok(target, 'a dedicated grid is drawn in the first view');
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + target.point.x, box.y + target.point.y);
  await page.waitForSelector(`#panel h2[data-code="${target.code}"]`, { timeout: 15000 });
  const other = await page.getAttribute('#panel a[data-grid]', 'data-grid');
  assert.match(other, /^\d{15}$/);
  assert.notEqual(other, target.code);
  // Following the link shows the comprehensive grid, which links back.
  await page.click('#panel a[data-grid]');
  await page.waitForSelector(`#panel h2[data-code="${other}"]`, { timeout: 15000 });
  assert.equal(await page.getAttribute('#panel a[data-grid]', 'data-grid'), target.code);
  await showGroup(page, 'cases', true);
  await showGroup(page, 'components', true);
});

test('a case created through the API appears without reload', async () => {
  const center = await page.evaluate(() => window.sgMap.getCenter());
  const r = await fetch(base + '/api/cases', {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ classCode: 'E0502', description: 'web test: 占道经营', lon: center.lng, lat: center.lat }),
  });
  assert.equal(r.status, 201);
  const number = (await r.json()).case.number;
  await page.waitForFunction((n) => window.sgMap.queryRenderedFeatures({ layers: ['cases'] }).some((f) => f.properties.number === n),
    number, { timeout: 30000, polling: 250 });
  await page.screenshot({ path: `${shots}/map-with-case.png` });
});

test('the search box flies to a grid code', async () => {
  await page.fill('#q', '310101002001001');
  await page.click('#search button');
  await page.waitForSelector('#panel h2[data-code="310101002001001"]', { timeout: 15000 });
});
