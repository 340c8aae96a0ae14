// The web map in Debian's Chromium against the running service with the demo city (deploy/test.sh starts both).
// SG_WEB_URL: the service; SG_WEB_KEY: a dispatcher key; SG_WEB_SHOTS: where the screenshot goes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { base, key, shots, openMap } from './open-map.mjs';

let browser, page, errors, outside, rendered, settle;

before(async () => { ({ browser, page, errors, outside, rendered, settle } = await openMap()); });

after(async () => { await browser?.close(); });

test('the page loads with no console errors and no request leaving the machine', async () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
  await page.screenshot({ path: `${shots}/map.png` });
});

test('every layer draws features and toggles off', async () => {
  for (const layer of ['roads', 'grids-fill', 'components', 'districts-line']) {
    assert.ok(await rendered(layer) > 0, `${layer} draws features`);
  }
  await page.click('input[data-layers="grids-fill,grids-line"]');
  await settle();
  assert.equal(await rendered('grids-fill'), 0);
  await page.click('input[data-layers="grids-fill,grids-line"]');
  await settle();
  assert.ok(await rendered('grids-fill') > 0);
});

test('clicking a grid opens its panel with its code', async () => {
  // Cases lie over grids: hide them so the click reaches the grid.
  await page.click('input[data-layers="cases"]');
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
  await page.click('input[data-layers="cases"]');
});

test('a click inside a dedicated grid opens it and offers the grid under it', async () => {
  await page.click('input[data-layers="cases"]');
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
  await page.click('input[data-layers="cases"]');
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
    number, { timeout: 15000, polling: 250 });
  await page.screenshot({ path: `${shots}/map-with-case.png` });
});

test('grids carry code and name labels drawn with local fonts', async () => {
  await page.evaluate(() => window.sgMap.jumpTo({ zoom: 16.5 }));
  await page.waitForSelector('.grid-label', { timeout: 15000 });
  const label = await page.textContent('.grid-label');
  assert.match(label, /\d{15}/);
  // One label a grid, placed on the grid it names (nearly always: a very concave grid may put its middle outside).
  const placed = await page.evaluate(() => [...document.querySelectorAll('.grid-label')].map((el) => {
    const r = el.getBoundingClientRect(), m = window.sgMap.getCanvas().getBoundingClientRect();
    const under = window.sgMap.queryRenderedFeatures([r.x + r.width / 2 - m.x, r.y + r.height / 2 - m.y], { layers: ['grids-fill'] });
    return { code: el.dataset.code, on: under.some((f) => f.properties.code === el.dataset.code) };
  }));
  assert.equal(new Set(placed.map((p) => p.code)).size, placed.length);
  assert.ok(placed.filter((p) => p.on).length >= placed.length * 0.8, `${placed.filter((p) => p.on).length} of ${placed.length} labels on their grid`);
  assert.deepEqual(outside, []);
});

test('the search box flies to a grid code', async () => {
  await page.fill('#q', '310101002001001');
  await page.click('#search button');
  await page.waitForSelector('#panel h2[data-code="310101002001001"]', { timeout: 15000 });
});
