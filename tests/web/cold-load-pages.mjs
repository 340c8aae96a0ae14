// The two pages a cold load is measured on (issue 21), shared by bench-cold-load.mjs, cold-load-anatomy.mjs's callers and
// cold-load-profile.mjs: each opens its page in a page of a new context, from navigation until drawn, and returns the ms.
// - openCommandCentre: the dispatcher's view until the map is drawn (style, icons, every tile of the first view loaded)
//   and the case queue filled (counts per state and the list's total);
// - openBareMapLibre: a bare MapLibre page (the same maplibre-gl build, no application) on the service's own
//   /styles/default.json at the same centre and zoom, until its tiles are loaded.
import { base, key } from './open-map.mjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const maplibre = readFileSync(fileURLToPath(new URL('../../src/SpatialGrid.Web/node_modules/maplibre-gl/dist/maplibre-gl.js', import.meta.url)));

export async function openCommandCentre(page) {
  await page.addInitScript((k) => { sessionStorage.setItem('sg-key', k); localStorage.setItem('sg-lang', 'zh-CN'); }, key);
  const started = Date.now();
  await page.goto(`${base}/#/dispatch`);
  await page.waitForFunction(() => window.sgMap?.getLayer('cases') && window.sgMap.loaded() && window.sgMap.areTilesLoaded()
    && document.querySelector('.queue-total')?.textContent && document.querySelector('#state-tabs button'), null, { timeout: 60000, polling: 'raf' });
  return Date.now() - started;
}

export async function openBareMapLibre(page) {
  await page.route(`${base}/bench/maplibre-gl.js`, (route) => route.fulfill({ body: maplibre, contentType: 'text/javascript' }));
  await page.route(`${base}/bench/bare.html`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><html><body style="margin:0">
    <div id="map" style="position:absolute;inset:0 400px 0 0"></div><script src="/bench/maplibre-gl.js"></script>
    <script>window.sgMap = new maplibregl.Map({ container: 'map', style: '/styles/default.json', center: [121.4737, 31.2304], zoom: 15.5,
      transformRequest: (url) => ({ url, headers: { 'X-Api-Key': ${JSON.stringify(key)} } }) });</script></body></html>` }));
  const started = Date.now();
  await page.goto(`${base}/bench/bare.html`);
  await page.waitForFunction(() => window.sgMap?.loaded() && window.sgMap.areTilesLoaded(), null, { timeout: 60000, polling: 'raf' });
  return Date.now() - started;
}
