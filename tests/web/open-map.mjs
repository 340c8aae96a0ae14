// Opens the web map in Debian's Chromium with the key saved, as after "Save" in the page, and records console errors
// and any request leaving the machine. SG_WEB_URL: the service; SG_WEB_KEY: a dispatcher key.
import { chromium } from 'playwright-core';

export const base = process.env.SG_WEB_URL ?? 'http://127.0.0.1:5099';
export const key = process.env.SG_WEB_KEY ?? '';
export const shots = process.env.SG_WEB_SHOTS ?? '.';

export async function openMap() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [], outside = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { const u = new URL(r.url()); if (!['127.0.0.1', 'localhost'].includes(u.hostname) && u.protocol.startsWith('http')) outside.push(r.url()); });
  // The key is in place before the page's first script runs.
  await page.addInitScript((k) => localStorage.setItem('sg-key', k), key);
  await page.goto(base + '/');
  await page.waitForFunction(() => window.sgMap && window.sgMap.getLayer('cases') && window.sgMap.loaded() && window.sgMap.areTilesLoaded(), null, { timeout: 60000 });
  const rendered = (layer) => page.evaluate((l) => window.sgMap.queryRenderedFeatures({ layers: [l] }).length, layer);
  const settle = () => page.waitForFunction(() => window.sgMap.loaded() && window.sgMap.areTilesLoaded(), null, { timeout: 30000 });
  return { browser, page, errors, outside, rendered, settle };
}
