// Patrols on the web map: the panel of a clicked live worker (their day from the patrols API) and the replay of
// their day's track, a marker moved along it by a time slider. The patrol tile layers are in the style; app.js
// toggles them and hands this script the map, the panel and its API helper through window.sg.
(() => {
  const { map, api, esc, panel, failed, pickers, keyOf } = window.sg;
  // Without a key the style has no patrol layers (app.js drops them): nothing to toggle.
  document.getElementById('patrol-layers').hidden = !keyOf();
  // The city's days and clock times (+08:00, as the API counts days); China keeps no summer time.
  const offsetMs = 8 * 3600e3;
  const cityDay = (ms) => new Date(ms + offsetMs).toISOString().slice(0, 10);
  const cityTime = (ms) => new Date(ms + offsetMs).toISOString().slice(11, 19);
  const age = (s) => (s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`);
  const enc = encodeURIComponent;

  async function showWorker(feature) {
    const w = feature.properties;
    const day = cityDay(Date.now());
    panel.innerHTML = `<h2 data-worker="${esc(w.worker)}">${esc(w.name)}</h2>
      <p>Worker 网格员 <b>${esc(w.worker)}</b> · Team 班组 ${esc(w.team || '—')}</p>
      <p>Grid 所在网格 <b>${esc(w.grid || '—')}</b> · last fix 最后定位 ${age(w.age_s)} ago</p>
      <div id="replay"><button id="replay-load" data-worker="${esc(w.worker)}" data-day="${day}">Replay their day 轨迹回放</button></div>
      <div id="worker-day"><p class="note">Loading ${day}…</p></div>`;
    const d = await api(`/api/patrols/workers/${enc(w.worker)}/day?date=${day}`);
    const box = document.getElementById('worker-day');
    // The panel may have moved on to something else while the day was loading.
    if (!box || panel.querySelector('h2[data-worker]')?.dataset.worker !== w.worker) return;
    box.innerHTML = `<h3>Today 今日 ${esc(d.day)}</h3>
      <p>${d.minutes} min walked 巡查 · ${(d.metres / 1000).toFixed(1)} km · ${d.minutesInShiftGrids} min in shift grids 班次网格内</p>
      <p>Cases reported 上报 ${d.casesReported} · verified 核查 ${d.casesVerified}</p>
      <table><tr><th>Grid 网格</th><th>min</th><th>Shift 班次</th></tr>
      ${d.grids.map((g) => `<tr><td>${esc(g.name || '')} <small>${esc(g.grid)}</small></td><td>${g.minutes}</td><td>${g.inShift ? '✓' : ''}</td></tr>`).join('')}</table>`;
  }
  pickers.push({ layer: 'patrols-live', open: showWorker });

  // Replay: the day's trips as one timeline of [ms, lon, lat, trip]; the slider is seconds after its first fix.
  let replay = null;
  function clearReplay() {
    if (!replay) return;
    clearInterval(replay.playing);
    replay.marker.remove();
    if (map.getLayer('replay-track')) map.removeLayer('replay-track');
    if (map.getSource('replay')) map.removeSource('replay');
    replay = window.sg.replay = null;
  }
  // Between two fixes of a trip the worker is placed on the straight line by time; between trips (a gap in the
  // data, not walked), where the last trip ended.
  function positionAt(points, t) {
    let lo = 0, hi = points.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (points[mid][0] <= t) lo = mid; else hi = mid - 1; }
    const a = points[lo], b = points[lo + 1];
    if (!b || b[3] !== a[3] || b[0] === a[0] || t <= a[0]) return [a[1], a[2]];
    const k = Math.min(1, (t - a[0]) / (b[0] - a[0]));
    return [a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
  }

  async function loadReplay(worker, day) {
    const next = cityDay(Date.parse(`${day}T12:00:00+08:00`) + 86400e3);
    const track = await api(`/api/patrols/tracks?worker=${enc(worker)}&from=${enc(`${day}T00:00:00+08:00`)}`
      + `&to=${enc(`${next}T00:00:00+08:00`)}&tolerance=2`);
    const points = [];
    track.features.forEach((f, trip) => {
      const coords = f.geometry.type === 'Point' ? [f.geometry.coordinates] : f.geometry.coordinates;
      coords.forEach((c, i) => points.push([Date.parse(f.properties.times[i]), c[0], c[1], trip]));
    });
    const box = document.getElementById('replay');
    if (!box) return;
    if (!points.length) { box.innerHTML = `<p class="note">No track on ${esc(day)}. 当日无轨迹。</p>`; return; }
    clearReplay();
    map.addSource('replay', { type: 'geojson', data: track });
    map.addLayer({ id: 'replay-track', type: 'line', source: 'replay', paint: { 'line-color': '#c2185b', 'line-width': 3, 'line-opacity': 0.8 } });
    const dot = document.createElement('div');
    dot.className = 'replay-marker';
    const first = points[0][0], span = Math.round((points[points.length - 1][0] - first) / 1000);
    box.innerHTML = `<p><button id="replay-play">Play ▶</button> <output id="replay-time"></output>
      <small>${track.features.reduce((n, f) => n + f.properties.fixes, 0)} fixes, ${track.features.length} trip(s)</small></p>
      <input id="replay-slider" type="range" min="0" max="${span}" step="1" value="0" aria-label="Replay time">`;
    const slider = document.getElementById('replay-slider'), time = document.getElementById('replay-time');
    replay = window.sg.replay = { marker: new maplibregl.Marker({ element: dot }), slider, playing: 0 };
    const show = () => {
      const t = first + Number(slider.value) * 1000;
      replay.marker.setLngLat(positionAt(points, t));
      time.textContent = cityTime(t);
    };
    show();
    replay.marker.addTo(map);
    slider.addEventListener('input', show);
    // Play runs the whole day in about 30 seconds.
    const play = document.getElementById('replay-play');
    play.addEventListener('click', () => {
      if (replay.playing) { clearInterval(replay.playing); replay.playing = 0; play.textContent = 'Play ▶'; return; }
      if (Number(slider.value) >= span) slider.value = 0;
      play.textContent = 'Pause ❚❚';
      replay.playing = setInterval(() => {
        slider.value = Math.min(span, Number(slider.value) + Math.max(1, Math.round(span / 300)));
        show();
        if (Number(slider.value) >= span) play.click();
      }, 100);
    });
    const xs = points.map((p) => p[1]), ys = points.map((p) => p[2]);
    map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { maxZoom: 17, padding: 60, duration: 0 });
  }

  panel.addEventListener('click', async (e) => {
    const button = e.target.closest('#replay-load');
    if (!button) return;
    button.disabled = true;
    try { await loadReplay(button.dataset.worker, button.dataset.day); } catch (err) { failed(err); }
  });
  // Whatever replaces the worker's panel ends the replay.
  new MutationObserver(() => { if (replay && !panel.contains(replay.slider)) clearReplay(); }).observe(panel, { childList: true, subtree: true });

  // Live positions move: while a patrol layer is shown, its tiles are fetched anew every 30 seconds.
  setInterval(() => {
    const source = map.getSource('patrols');
    const visible = ['patrols-live', 'patrols-tracks', 'patrols-coverage', 'patrols-unvisited']
      .some((l) => map.getLayer(l) && map.getLayoutProperty(l, 'visibility') !== 'none');
    if (source && source.tiles && visible) source.setTiles(source.tiles.map((t) => t.replace(/\?v=\d+$/, '') + `?v=${Date.now()}`));
  }, 30000);
})();
