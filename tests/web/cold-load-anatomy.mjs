// Where a cold load's time goes (issue 21): one more cold load of a page, outside the timed runs, with Chromium's
// trace and the page's network recorded: the requests of the first view per kind (tiles per source, TileJSON, style,
// glyphs, the application's own), their sizes and the service's own time (Server-Timing db), when the first and last
// tile arrived, MapLibre's first `idle`, and how long each of Chromium's threads was busy (the page's main thread,
// MapLibre's workers, the GPU process rasterising in SwiftShader) until the map was drawn.
// Used by bench-cold-load.mjs: anatomy(browser, open, label) with open(page) navigating, waiting until drawn and returning the ms.

/** What a request is, for the table: tile:<source>, tilejson, style, glyphs, app, api, other. */
function kindOf(url) {
  const u = new URL(url);
  let m;
  if ((m = u.pathname.match(/^\/tiles\/([^/]+)\/\d+\/\d+\/\d+/))) return `tile:${m[1]}`;
  if (/^\/tiles\/[^/]+\.json$/.test(u.pathname)) return 'tilejson';
  if (u.pathname.startsWith('/styles/')) return 'style';
  if (u.pathname.startsWith('/fonts/')) return 'glyphs';
  if (u.pathname.startsWith('/api/')) return 'api';
  if (u.pathname === '/' || u.pathname.startsWith('/assets/') || u.pathname.startsWith('/bench/')) return 'app';
  return 'other';
}

const median = (xs) => { if (!xs.length) return 0; const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

/**
 * Busy milliseconds per thread between two trace timestamps (µs): the union of its tasks (nested tasks counted once),
 * for each thread name the busiest process's (the page's renderer, not another tab's), pool threads of a process summed.
 */
function busyByThread(trace, from, to) {
  const names = new Map();
  for (const e of trace) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const spans = new Map();
  for (const e of trace) {
    if (e.ph !== 'X' || !e.dur || !/RunTask$/.test(e.name) || e.ts + e.dur < from || e.ts > to) continue;
    const id = `${e.pid}:${e.tid}`;
    if (!spans.has(id)) spans.set(id, []);
    spans.get(id).push([Math.max(from, e.ts), Math.min(to, e.ts + e.dur)]);
  }
  const perProcess = new Map();
  for (const [id, list] of spans) {
    list.sort((a, b) => a[0] - b[0]);
    let busy = 0, end = -Infinity;
    for (const [s, e] of list) { if (e > end) { busy += e - Math.max(s, end); end = e; } }
    const key = `${id.split(':')[0]}:${(names.get(id) ?? 'other').replace(/\d+$/, '')}`;
    perProcess.set(key, (perProcess.get(key) ?? 0) + busy / 1000);
  }
  const busiest = new Map();
  for (const [key, ms] of perProcess) { const name = key.slice(key.indexOf(':') + 1); busiest.set(name, Math.max(busiest.get(name) ?? 0, ms)); }
  return [...busiest].filter(([, ms]) => ms >= 5).sort((a, b) => b[1] - a[1]);
}

export async function anatomy(browser, open, label) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  // MapLibre's own milestones, from the moment the page creates the map (window.sgMap is set right after).
  await page.addInitScript(() => {
    let map;
    window.sgMarks = {};
    Object.defineProperty(window, 'sgMap', {
      configurable: true,
      get: () => map,
      set: (m) => {
        map = m;
        window.sgMarks.created = performance.now();
        m.once('load', () => { window.sgMarks.load = performance.now(); });
        m.once('idle', () => { window.sgMarks.idle = performance.now(); });
      },
    });
  });
  const requests = [];
  context.on('requestfinished', async (r) => {
    const timing = r.timing();
    const entry = { url: r.url(), kind: kindOf(r.url()), start: timing.startTime, end: timing.startTime + timing.responseEnd, bytes: 0, db: null, status: 0 };
    requests.push(entry);
    try {
      const response = await r.response();
      entry.status = response?.status() ?? 0;
      entry.bytes = (await r.sizes()).responseBodySize;
      const st = (await response?.allHeaders())?.['server-timing'] ?? '';
      const m = st.match(/db;dur=([\d.]+)/);
      if (m) entry.db = Number(m[1]);
    } catch { /* the context closed meanwhile */ }
  });
  await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] });
  const ms = await open(page);
  const marks = await page.evaluate(() => ({ ...window.sgMarks, drawn: performance.now(), origin: performance.timeOrigin }));
  const trace = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  // Let the last requestfinished handlers finish reading their headers.
  await new Promise((r) => setTimeout(r, 300));
  await context.close();

  const at = (wall) => Math.round(wall - marks.origin);
  const lines = [`${label}: ${ms} ms to drawn; map created at ${Math.round(marks.created ?? -1)} ms, load ${Math.round(marks.load ?? -1)}, first idle ${Math.round(marks.idle ?? -1)}, drawn seen ${Math.round(marks.drawn)}`];
  const firstView = requests.filter((r) => r.start - marks.origin <= marks.drawn);
  const kinds = [...new Set(firstView.map((r) => r.kind))].sort();
  lines.push('  kind              requests   KB (body)  first start  last end   db ms median / max');
  for (const k of kinds) {
    const rs = firstView.filter((r) => r.kind === k);
    const db = rs.map((r) => r.db).filter((d) => d !== null);
    lines.push(`  ${k.padEnd(17)} ${String(rs.length).padStart(8)} ${(rs.reduce((s, r) => s + r.bytes, 0) / 1024).toFixed(1).padStart(11)} `
      + `${String(at(Math.min(...rs.map((r) => r.start)))).padStart(12)} ${String(at(Math.max(...rs.map((r) => r.end)))).padStart(9)}   `
      + (db.length ? `${median(db).toFixed(1)} / ${Math.max(...db).toFixed(1)}` : '-'));
  }
  const nav = trace.find((e) => e.name === 'navigationStart' || e.name === 'TracingStartedInBrowser');
  const ts = trace.filter((e) => e.ts > 0).map((e) => e.ts);
  const from = nav?.ts ?? Math.min(...ts);
  const busy = busyByThread(trace, from, from + ms * 1000);
  lines.push(`  busy until drawn (ms per thread): ${busy.map(([n, b]) => `${n} ${Math.round(b)}`).join(' · ')}`);
  return lines.join('\n');
}
