// `web cold load ms`: the command centre's dispatcher view loaded cold (a new browser profile each run: no cache,
// nothing kept) until the map is drawn (style, icons and every tile of the first view loaded) and the case queue is
// filled; median of 5 runs in Debian's Chromium. Baseline in the same run: a bare MapLibre page showing the service's
// own /styles/default.json (the same tiles, no application), so the ratio is what the command centre adds.
// Usage: SG_WEB_URL=… SG_WEB_KEY=… node bench-cold-load.mjs [runs]
import { launch } from './open-map.mjs';
import { anatomy } from './cold-load-anatomy.mjs';
import { openCommandCentre, openBareMapLibre } from './cold-load-pages.mjs';

const runs = Number(process.argv[2] ?? 5);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function timed(browser, open) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const ms = await open(page);
  await context.close();
  return ms;
}
const commandCentre = (browser) => timed(browser, openCommandCentre);
const bareMapLibre = (browser) => timed(browser, openBareMapLibre);

const browser = await launch();
const cc = [], bare = [];
// Interleaved, so that drift of the machine touches both alike; one warm-up of each (the service's own caches).
await commandCentre(browser); await bareMapLibre(browser);
for (let i = 0; i < runs; i++) {
  cc.push(await commandCentre(browser));
  bare.push(await bareMapLibre(browser));
}
// Not timed: one more cold load of each with Chromium's trace and the network recorded (cold-load-anatomy.mjs).
const anatomies = process.env.SG_BENCH_WEB_ANATOMY === '0' ? [] : [await anatomy(browser, openCommandCentre, 'command centre'), await anatomy(browser, openBareMapLibre, 'bare MapLibre')];
await browser.close();
console.log(`command centre, each run (ms): ${cc.join(', ')}`);
console.log(`bare MapLibre with the service's style, each run (ms): ${bare.join(', ')}`);
console.log(`web cold load ms: ${median(cc)}`);
console.log(`bare maplibre cold load ms: ${median(bare)}`);
console.log(`web cold load ratio to bare maplibre: ${(median(cc) / median(bare)).toFixed(2)}`);
for (const a of anatomies) console.log(a);
