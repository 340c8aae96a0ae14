// Where a cold load's CPU time goes, function by function (issue 21): one cold load of a page (after one warm-up for the
// service's caches) with V8's sampling profiler running in Chromium's trace (`disabled-by-default-v8.cpu_profiler`),
// until the map is drawn; prints the top functions by self time of the page's main thread and of MapLibre's worker,
// each with its source place (through the page's own source maps where it has them: the command centre's bundle names
// MapLibre's and the application's own sources).
// Usage (against a running service with the demo city, a dispatcher key):
//   cd tests/web && SG_WEB_URL=http://127.0.0.1:5084 SG_WEB_KEY=sgk_… node cold-load-profile.mjs [cc|bare] [top]
// Exported: profile(browser, open, label, top) → the printed lines.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launch } from './open-map.mjs';
import { openCommandCentre, openBareMapLibre } from './cold-load-pages.mjs';

const require = createRequire(import.meta.url);
const { SourceMapConsumer } = require(fileURLToPath(new URL('../../src/SpatialGrid.Web/node_modules/source-map-js/source-map.js', import.meta.url)));

/** Self time (ms) per function, per thread, from the trace's Profile/ProfileChunk events between from and to (µs). */
function selfTimes(trace, from, to) {
  const names = new Map();
  for (const e of trace) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const profiles = new Map(); // id → { thread, nodes: Map(id → node), time (µs), self: Map(node id → µs) }
  for (const e of trace) {
    if (e.name === 'Profile') profiles.set(`${e.pid}:${e.id}`, { thread: names.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`, nodes: new Map(), time: e.args.data.startTime, self: new Map() });
  }
  for (const e of trace) {
    if (e.name !== 'ProfileChunk') continue;
    const p = profiles.get(`${e.pid}:${e.id}`);
    if (!p) continue;
    const { cpuProfile = {}, timeDeltas = [] } = e.args.data;
    for (const n of cpuProfile.nodes ?? []) p.nodes.set(n.id, n);
    const samples = cpuProfile.samples ?? [];
    for (let i = 0; i < samples.length; i++) {
      p.time += timeDeltas[i] ?? 0;
      // A sample stands for the time until the next one (the next delta), as DevTools counts it.
      const dur = timeDeltas[i + 1] ?? 0;
      if (p.time < from || p.time > to) continue;
      p.self.set(samples[i], (p.self.get(samples[i]) ?? 0) + dur);
    }
  }
  return [...profiles.values()];
}

/**
 * The original place of a generated position, through the script's source map (fetched once), and on through a
 * package's own source map when the first one lands in a built file of node_modules (MapLibre's dist: its src/).
 */
async function placer(page) {
  const maps = new Map();
  const consumer = (where, load) => {
    if (!maps.has(where)) maps.set(where, load().then((m) => (m ? new SourceMapConsumer(m) : null)).catch(() => null));
    return maps.get(where);
  };
  const nodeModules = fileURLToPath(new URL('../../src/SpatialGrid.Web/node_modules/', import.meta.url));
  return async (url, line, column) => {
    if (!url || !/^https?:/.test(url)) return null;
    const map = await consumer(url, async () => { const r = await page.context().request.get(`${url}.map`); return r.ok() ? r.json() : null; });
    if (!map) return null;
    let o = map.originalPositionFor({ line: line + 1, column });
    if (!o.source) return null;
    const inPackage = o.source.match(/node_modules\/(.+\.js)$/);
    if (inPackage) {
      const own = await consumer(inPackage[1], async () => JSON.parse(await readFile(`${nodeModules}${inPackage[1]}.map`, 'utf8')));
      const deeper = own?.originalPositionFor({ line: o.line, column: o.column });
      if (deeper?.source) o = { ...deeper, source: `${inPackage[1].split('/')[0]}/${deeper.source.replace(/^(\.\.\/)+/, '')}` };
    }
    return { source: o.source.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''), line: o.line, name: o.name };
  };
}

export async function profile(browser, open, label, top = 20) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] });
  const ms = await open(page);
  const trace = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const nav = trace.find((e) => e.name === 'navigationStart' || e.name === 'TracingStartedInBrowser');
  const from = nav?.ts ?? Math.min(...trace.filter((e) => e.ts > 0).map((e) => e.ts));
  const place = await placer(page);
  const lines = [`${label}: ${ms} ms to drawn (profiled: the sampling profiler slows it down)`];
  const threads = selfTimes(trace, from, from + ms * 1000).filter((p) => p.self.size);
  // The page's main thread first, then its workers; other processes' threads (an extension, the browser) are left out.
  const main = threads.filter((p) => p.thread === 'CrRendererMain').sort((a, b) => sum(b) - sum(a))[0];
  const workers = threads.filter((p) => /Worker/i.test(p.thread));
  for (const [name, ps, n] of [['main thread', main ? [main] : [], top], ['MapLibre worker(s)', workers, Math.min(top, 10)]]) {
    if (!ps.length) continue;
    const byFunction = new Map();
    let total = 0;
    for (const p of ps) {
      for (const [id, us] of p.self) {
        const f = p.nodes.get(id)?.callFrame ?? {};
        const k = `${f.functionName || '(anonymous)'}\u0000${f.url ?? ''}\u0000${f.lineNumber ?? -1}\u0000${f.columnNumber ?? -1}`;
        byFunction.set(k, (byFunction.get(k) ?? 0) + us);
        total += us;
      }
    }
    // (program): the engine's and Blink's own native work outside JavaScript (style, layout, GL calls, parsing).
    const busy = [...byFunction].filter(([k]) => !k.startsWith('(idle)')).reduce((s, [, us]) => s + us, 0);
    lines.push(`  ${name}: ${Math.round(total / 1000)} ms sampled, ${Math.round(busy / 1000)} ms busy (not idle)`);
    lines.push('   self ms   %busy  function  (where)');
    for (const [k, us] of [...byFunction].filter(([f]) => !f.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, n)) {
      const [fn, url, line, column] = k.split('\u0000');
      const o = await place(url, Number(line), Number(column));
      const where = o ? `${o.source}:${o.line}` : url ? `${url.replace(/^.*\//, '')}:${Number(line) + 1}` : '';
      lines.push(`  ${(us / 1000).toFixed(0).padStart(7)} ${(100 * us / busy).toFixed(1).padStart(6)}%  ${fn}${o?.name && o.name !== fn ? ` [${o.name}]` : ''}  ${where}`);
    }
  }
  await context.close();
  return lines.join('\n');
}
const sum = (p) => [...p.self.values()].reduce((s, us) => s + us, 0);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2] ?? 'cc';
  const top = Number(process.argv[3] ?? 20);
  const [open, label] = which === 'bare' ? [openBareMapLibre, 'bare MapLibre'] : [openCommandCentre, 'command centre'];
  const browser = await launch();
  // One warm-up (the service's own caches), as the bench does; then the profiled cold load in a new context.
  const warm = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await open(await warm.newPage());
  await warm.close();
  console.log(await profile(browser, open, label, top));
  await browser.close();
}
