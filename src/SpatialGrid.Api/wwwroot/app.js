// The SpatialGrid web map: MapLibre over the service's own tiles (/styles/default.json), a panel for the clicked
// grid or case, a search box, and live case events. Everything comes from this server: the page works offline.
// patrols.js and hotspots.js, loaded after this script, add the patrol panel and replay, and the risk panel, through window.sg.
(() => {
  const keyOf = () => localStorage.getItem('sg-key') || '';
  const headers = () => (keyOf() ? { 'X-Api-Key': keyOf() } : {});
  const api = async (path) => {
    const r = await fetch(path, { headers: headers() });
    if (!r.ok) throw new Error(`${r.status} ${(await r.json().catch(() => ({}))).detail || r.statusText}`);
    return r.json();
  };
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const panel = document.getElementById('panel');
  const failed = (err) => { panel.innerHTML = `<p class="note">${esc(err.message)}</p>`; };
  const keyed = ['cases', 'patrols', 'risk'];
  // Layers other scripts make clickable ({ layer, open(feature) }), asked before cases and grids.
  const pickers = [];

  const map = new maplibregl.Map({
    container: 'map',
    style: { version: 8, sources: {}, layers: [] },
    center: [121.4737, 31.2304],
    zoom: 15.5,
    // Chinese labels, if a style adds them, are drawn from the local system fonts, never fetched.
    localIdeographFontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
    // The cases and patrols layers need a key; the browser sends it as a header, never in the URL.
    transformRequest: (url) => (keyed.some((s) => url.includes(`/tiles/${s}`)) && keyOf() ? { url, headers: { 'X-Api-Key': keyOf() } } : { url }),
  });
  window.sgMap = map;
  // Without a key these layers would only answer 401: leave them out of the style until a key is saved.
  fetch('/styles/default.json').then((r) => r.json()).then((style) => {
    if (!keyOf()) {
      for (const s of keyed) delete style.sources[s];
      style.layers = style.layers.filter((l) => !keyed.includes(l.source));
    }
    map.setStyle(style);
  });
  map.addControl(new maplibregl.NavigationControl(), 'top-left');

  window.sg = { map, api, esc, panel, failed, keyOf, pickers };

  // Layer toggles; the boxes rule once the style is in (the browser may have kept a box's state over a reload).
  const toggle = (box) => {
    for (const id of box.dataset.layers.split(',')) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', box.checked ? 'visible' : 'none');
    }
  };
  document.querySelectorAll('input[data-layers]').forEach((box) => box.addEventListener('change', () => toggle(box)));
  map.on('style.load', () => document.querySelectorAll('input[data-layers]').forEach(toggle));

  // Panels.
  // others: the other grids under the same click (a dedicated grid lies over a comprehensive one), offered as links.
  async function showGrid(code, others = []) {
    const [grid, inventory] = await Promise.all([api(`/api/grids/${code}`), api(`/api/grids/${code}/inventory`)]);
    const also = others.length
      ? `<p>Also here 同处: ${others.map((o) => `<a href="#" data-grid="${esc(o.code)}" data-name="${esc(o.name)}" data-kind="${esc(o.kind)}">${esc(o.name)} <small>${esc(o.code)} · ${esc(o.kind)}</small></a>`).join(', ')}</p>`
      : '';
    let open = '';
    if (keyOf()) {
      try { open = `<p>Open cases 未结案件: ${(await api(`/api/cases?state=open&grid=${code}&pageSize=1`)).total}</p>`; } catch { open = ''; }
    }
    panel.innerHTML = `<h2 data-code="${esc(grid.code)}" data-kind="${esc(grid.kind)}">${esc(grid.name)}</h2>
      <p>${grid.path.map((p) => `${esc(p.name)} <small>${esc(p.code)}</small>`).join(' › ')}</p>
      <p>Code 编码 <b>${esc(grid.code)}</b> · ${esc(grid.level)} · ${esc(grid.kind)} · ${Math.round(grid.areaM2).toLocaleString()} m²</p>
      <p>Leader 网格长: ${esc(grid.leader || '—')}</p>${also}${open}
      <table><tr><th>Class 类别</th><th>Count</th><th>m / m²</th></tr>
      ${inventory.map((r) => `<tr><td>${esc(r.classCode)} ${esc(r.nameZh)}</td><td>${r.count}</td><td>${r.measure ?? ''}</td></tr>`).join('')}</table>`;
  }

  async function showCase(number) {
    const c = await api(`/api/cases/${number}`);
    panel.innerHTML = `<h2 data-number="${esc(c.case.number)}">${esc(c.case.number)}</h2>
      <p><span class="badge colour-${esc(c.case.colour)}">${esc(c.case.colour)}</span> ${esc(c.case.state)} · ${esc(c.case.classCode)} · ${esc(c.case.unit)}</p>
      <p>${esc(c.case.description)}</p>
      <table><tr><th>Stage 环节</th><th>Due 时限</th><th>Left 剩余</th></tr>
      ${c.stages.map((s) => `<tr><td>${esc(s.stage)}</td><td>${new Date(s.due).toLocaleString()}</td><td>${s.running ? Math.round(s.minutesLeft) + ' min' : (s.onTime ? 'on time' : 'late')}</td></tr>`).join('')}</table>
      <h3>History 流程</h3><ol>${c.history.map((e) => `<li>${new Date(e.at).toLocaleString()} ${esc(e.action)} — ${esc(e.by)} ${esc(e.note || '')}</li>`).join('')}</ol>`;
  }

  const shown = (l) => map.getLayer(l) && map.getLayoutProperty(l, 'visibility') !== 'none';
  map.on('click', async (e) => {
    // Small symbols are hard to hit: a few pixels around the click count.
    const near = [[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]];
    for (const p of pickers.filter((p) => shown(p.layer))) {
      const f = map.queryRenderedFeatures(near, { layers: [p.layer] })[0];
      if (f) { try { await p.open(f); } catch (err) { failed(err); } return; }
    }
    const hits = map.queryRenderedFeatures(e.point, { layers: ['cases', 'grids-fill'].filter(shown) });
    const hit = hits.find((f) => f.layer.id === 'cases');
    // Each grid once (a grid cut by tile edges comes in pieces); a dedicated grid, the more specific, first.
    const grids = [...new Map(hits.filter((f) => f.layer.id === 'grids-fill').map((f) => [f.properties.code, f.properties])).values()]
      .sort((a, b) => (b.kind === 'dedicated') - (a.kind === 'dedicated'));
    try {
      if (hit) await showCase(hit.properties.number);
      else if (grids.length) await showGrid(grids[0].code, grids.slice(1));
    } catch (err) { failed(err); }
  });
  panel.addEventListener('click', async (e) => {
    const link = e.target.closest('a[data-grid]');
    if (!link) return;
    e.preventDefault();
    // The grid shown before becomes one of the others, so the two can be switched back and forth.
    const shown = panel.querySelector('h2[data-code]');
    const others = [...panel.querySelectorAll('a[data-grid]')].filter((a) => a !== link)
      .map((a) => ({ code: a.dataset.grid, name: a.dataset.name, kind: a.dataset.kind }));
    if (shown) others.unshift({ code: shown.dataset.code, name: shown.textContent, kind: shown.dataset.kind });
    try { await showGrid(link.dataset.grid, others); } catch (err) { failed(err); }
  });

  // Search: a grid code (6–15 digits), a case number (district-date-seq) or a component code (16–17 digits).
  document.getElementById('search').addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = document.getElementById('q').value.trim();
    const note = document.getElementById('search-result');
    try {
      let geometry;
      if (/^\d{6}-\d{8}-\d+$/.test(q)) { const c = await api(`/api/cases/${q}`); geometry = c.case.location; await showCase(q); }
      else if (/^\d{16,17}$/.test(q)) { geometry = (await api(`/api/components/${q}`)).geometry; }
      else if (/^\d{6,15}$/.test(q)) { geometry = (await api(`/api/grids/${q}`)).geometry; await showGrid(q); }
      else throw new Error('not a grid code, case number or component code');
      const coords = JSON.stringify(geometry.coordinates).match(/-?\d+(\.\d+)?/g).map(Number);
      const xs = coords.filter((_, i) => i % 2 === 0), ys = coords.filter((_, i) => i % 2 === 1);
      map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { maxZoom: 17, padding: 40, duration: 0 });
      note.textContent = '';
    } catch (err) { note.textContent = err.message; }
  });

  // The key for cases.
  document.getElementById('key').value = keyOf();
  document.getElementById('save-key').addEventListener('click', () => {
    localStorage.setItem('sg-key', document.getElementById('key').value.trim());
    location.reload();
  });

  // Grid labels (code and name) as HTML markers: the browser draws the Chinese text with its own fonts, so the
  // map needs no glyph server and fetches nothing from outside.
  let labels = [];
  function relabel() {
    labels.forEach((m) => m.remove());
    labels = [];
    const shown = map.getLayer('grids-fill') && map.getLayoutProperty('grids-fill', 'visibility') !== 'none';
    if (!shown || map.getZoom() < 16) return;
    // A grid comes in pieces, one per tile it crosses: a label goes to the middle of the part of the whole grid
    // that is in view, not of whichever piece came first.
    const boxes = new Map();
    for (const f of map.queryRenderedFeatures({ layers: ['grids-fill'] })) {
      const code = f.properties.code;
      let b = boxes.get(code);
      if (!b) {
        if (boxes.size >= 150) continue;
        b = { name: f.properties.name, w: Infinity, s: Infinity, e: -Infinity, n: -Infinity };
        boxes.set(code, b);
      }
      for (const polygon of f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) {
        for (const [x, y] of polygon[0]) {
          b.w = Math.min(b.w, x); b.e = Math.max(b.e, x); b.s = Math.min(b.s, y); b.n = Math.max(b.n, y);
        }
      }
    }
    const view = map.getBounds();
    for (const [code, b] of boxes) {
      const w = Math.max(b.w, view.getWest()), e = Math.min(b.e, view.getEast()), s = Math.max(b.s, view.getSouth()), n = Math.min(b.n, view.getNorth());
      if (w > e || s > n) continue;
      const el = document.createElement('div');
      el.className = 'grid-label';
      el.dataset.code = code;
      el.innerHTML = `${esc(b.name)}<br><small>${esc(code)}</small>`;
      labels.push(new maplibregl.Marker({ element: el }).setLngLat([(w + e) / 2, (s + n) / 2]).addTo(map));
    }
  }
  map.on('idle', () => { if (!labels.length || labels.length && map.getZoom() < 16) relabel(); });
  map.on('moveend', relabel);
  document.querySelectorAll('input[data-layers]').forEach((box) => box.addEventListener('change', () => setTimeout(relabel, 0)));

  // Live: case events arrive on a stream read with fetch (so the key travels as a header); each one refreshes the cases tiles.
  function refreshCases() {
    const source = map.getSource('cases');
    if (source && source.tiles) source.setTiles(source.tiles.map((t) => t.replace(/\?v=\d+$/, '') + `?v=${Date.now()}`));
  }
  window.sgRefreshCases = refreshCases;
  async function listen() {
    if (!keyOf()) return;
    try {
      const r = await fetch('/api/events', { headers: headers() });
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value.includes('event: ')) refreshCases();
      }
    } catch { /* reconnect below */ }
    setTimeout(listen, 3000);
  }
  map.on('load', listen);
})();
