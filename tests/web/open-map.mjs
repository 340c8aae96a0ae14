// Opens the command centre in Debian's Chromium, signed in with a key (as after the sign-in form: the key in the
// session's storage) and in English unless told otherwise, and records console errors and any request leaving the
// machine. SG_WEB_URL: the service; SG_WEB_KEY: a dispatcher key; SG_WEB_SHOTS: where screenshots go.
import { chromium } from 'playwright-core';

export const base = process.env.SG_WEB_URL ?? 'http://127.0.0.1:5099';
export const key = process.env.SG_WEB_KEY ?? '';
export const adminKey = process.env.SG_WEB_ADMIN_KEY ?? '';
export const shots = process.env.SG_WEB_SHOTS ?? '.';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** A page of the command centre; view: dispatch | plan | field | screen (default: the key's role's view). */
export async function openMap({ browser, view = '', lang = 'en', withKey = key, viewport = { width: 1440, height: 900 }, waitForCases = true } = {}) {
  const own = !browser;
  browser ??= await launch();
  const page = await browser.newPage({ viewport });
  const errors = [], outside = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { const u = new URL(r.url()); if (!['127.0.0.1', 'localhost'].includes(u.hostname) && u.protocol.startsWith('http')) outside.push(r.url()); });
  // The key (as the sign-in form keeps it) and the language are in place before the page's first script runs.
  await page.addInitScript(([k, l]) => {
    if (sessionStorage.getItem('sg-test-started')) return;
    sessionStorage.setItem('sg-test-started', '1');
    if (k) sessionStorage.setItem('sg-key', k);
    localStorage.setItem('sg-lang', l);
  }, [withKey, lang]);
  await page.goto(base + '/' + (view ? `#/${view}` : ''));
  await page.waitForFunction((c) => window.sgMap && (!c || window.sgMap.getLayer('cases')) && window.sgMap.loaded() && window.sgMap.areTilesLoaded(),
    withKey && waitForCases, { timeout: 60000 });
  const rendered = (layer) => page.evaluate((l) => window.sgMap.queryRenderedFeatures({ layers: [l] }).length, layer);
  const settle = () => page.waitForFunction(() => window.sgMap.loaded() && window.sgMap.areTilesLoaded(), null, { timeout: 30000 });
  const close = () => (own ? browser.close() : page.close());
  return { browser, page, errors, outside, rendered, settle, close };
}

/** Ticks or unticks a legend row (a group of map layers). */
export async function showGroup(page, group, on = true) {
  const box = page.locator(`#legend input[data-group="${group}"]`);
  if ((await box.isChecked()) !== on) await box.click();
  await page.waitForFunction(() => window.sgMap.loaded() && window.sgMap.areTilesLoaded(), null, { timeout: 30000 });
}

export const api = async (path, { method = 'GET', body, k = key } = {}) => {
  const r = await fetch(base + path, { method, headers: { 'content-type': 'application/json', 'x-api-key': k }, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
};
