// Hotspot risk on the web map, in Debian's Chromium against the service with the demo city, a short generated case
// history and a model trained on it (deploy/test.sh): the risk layer, the day's riskiest grids with their reasons, a
// team's patrol plan outlined on the map.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { shots, openMap, showGroup } from './open-map.mjs';

let page, errors, outside, rendered, settle, close;

before(async () => { ({ page, errors, outside, rendered, settle, close } = await openMap({ view: 'plan' })); });
after(async () => { await close?.(); });

test('the risk layer is hidden at first and draws the scored grids once ticked', async () => {
  assert.equal(await rendered('risk-fill'), 0, 'hidden at first');
  await showGroup(page, 'risk');
  const cells = await page.evaluate(() => window.sgMap.queryRenderedFeatures({ layers: ['risk-fill'] }).map((f) => f.properties));
  assert.ok(cells.length > 0, 'risk cells are drawn');
  assert.match(cells[0].code, /^\d{15}$/);
  assert.ok(Number(cells[0].rank) >= 1);
  await page.screenshot({ path: `${shots}/map-risk.png` });
});

test('the riskiest grids are listed with the model\'s reasons', async () => {
  await page.click('#risk-top');
  await page.waitForSelector('#panel li[data-risk-grid]', { timeout: 15000 });
  assert.equal(await page.locator('#panel li[data-risk-grid]').count(), 10);
  assert.match(await page.textContent('#panel li[data-risk-grid] .reasons'), /a day|weight/);
});

test('a team\'s plan is written in the panel and outlined on the map', async () => {
  await page.waitForFunction(() => document.querySelectorAll('#risk-team option').length > 1, null, { timeout: 15000 });
  const team = await page.evaluate(() => document.querySelectorAll('#risk-team option')[1].value);
  await page.selectOption('#risk-team', team);
  await page.waitForSelector(`#panel h2[data-plan="${team}"]`, { timeout: 15000 });
  assert.ok((await page.textContent('#panel')).length > 40);
  const filter = await page.evaluate(() => window.sgMap.getFilter('risk-more'));
  assert.equal(filter[0], 'in');
  await page.selectOption('#risk-team', '');
  assert.deepEqual(await page.evaluate(() => window.sgMap.getFilter('risk-more')[2][1]), []);
});

test('the risk views log no console errors and send no request off the machine', () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
});
