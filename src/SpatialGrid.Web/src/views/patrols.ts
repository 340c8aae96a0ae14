// Patrols: the panel of a live worker (their day from the patrols API) and the replay of their day's track, a
// marker moved along it by a time slider (keyboard: arrows, Home, End), in the city's clock.
import maplibregl, { type MapGeoJSONFeature } from 'maplibre-gl';
import { api } from '../api';
import { addDays, cityDay, cityMidnight, cityTimeSeconds, duration } from '../clock';
import { esc } from '../dom';
import { t } from '../i18n';
import { theMap } from '../map/mapview';
import { begin, failed, onLeave, panel } from './panel';

interface WorkerDay { day: string; minutes: number; metres: number; minutesInShiftGrids: number; casesReported: number; casesVerified: number;
  grids: { grid: string; name: string | null; minutes: number; inShift: boolean }[] }
interface TrackFeature { geometry: { type: 'LineString' | 'Point'; coordinates: number[][] | number[] }; properties: { times: string[]; fixes: number } }
interface Track { type: 'FeatureCollection'; features: TrackFeature[] }
interface Replay { marker: maplibregl.Marker; slider: HTMLInputElement; playing: number }

const sg = window as unknown as { sg: { replay: Replay | null } };
sg.sg = { replay: null };

export async function showWorker(f: Pick<MapGeoJSONFeature, 'properties'>): Promise<void> {
  const current = begin();
  const w = f.properties as { worker: string; name: string; team?: string; grid?: string; age_s: number };
  const day = cityDay();
  panel().innerHTML = `<h2 data-worker="${esc(w.worker)}">${esc(w.name)}</h2>
    <p>${t('worker.id')} <b>${esc(w.worker)}</b> · ${t('worker.team')} ${esc(w.team || '—')}</p>
    <p>${t('worker.grid')} <b>${esc(w.grid || '—')}</b> · ${t('worker.lastFix', { age: duration(w.age_s / 60) })}</p>
    <div id="replay"><button id="replay-load" type="button">${t('worker.replay')}</button></div>
    <div id="worker-day"><p class="note">${t('loading')}</p></div>`;
  panel().querySelector('#replay-load')!.addEventListener('click', async (e) => {
    (e.target as HTMLButtonElement).disabled = true;
    try { await loadReplay(w.worker, day); } catch (err) { failed(err); }
  });
  onLeave(clearReplay);
  try {
    const d = await api<WorkerDay>(`/api/patrols/workers/${encodeURIComponent(w.worker)}/day?date=${day}`);
    const box = document.getElementById('worker-day');
    if (!current() || !box) return;
    box.innerHTML = `<h3>${t('worker.today')} ${esc(d.day)}</h3>
      <p>${t('worker.walked', { min: d.minutes, km: (d.metres / 1000).toFixed(1), inShift: d.minutesInShiftGrids })}</p>
      <p>${t('worker.cases', { reported: d.casesReported, verified: d.casesVerified })}</p>
      <table><tr><th scope="col">${t('case.grid')}</th><th scope="col">min</th><th scope="col">${t('worker.shift')}</th></tr>
      ${d.grids.map((g) => `<tr><td>${esc(g.name || '')} <small>${esc(g.grid)}</small></td><td>${g.minutes}</td><td>${g.inShift ? '✓' : ''}</td></tr>`).join('')}</table>`;
  } catch (e) { if (current()) failed(e); }
}

function clearReplay(): void {
  const r = sg.sg.replay;
  if (!r) return;
  clearInterval(r.playing);
  r.marker.remove();
  const map = theMap();
  if (map.getLayer('replay-track')) map.removeLayer('replay-track');
  if (map.getSource('replay')) map.removeSource('replay');
  sg.sg.replay = null;
}

/** A day's track as one timeline of [ms, lon, lat, trip], for the replays (one worker's here, a team's in shift-replay.ts). */
export function timeline(track: { features: { geometry: { type: string; coordinates: number[][] | number[] }; properties: { times: string[] } }[] }): number[][] {
  const points: number[][] = [];
  track.features.forEach((f, trip) => {
    const coords = (f.geometry.type === 'Point' ? [f.geometry.coordinates] : f.geometry.coordinates) as number[][];
    coords.forEach((c, i) => points.push([Date.parse(f.properties.times[i]), c[0], c[1], trip]));
  });
  return points;
}

// Between two fixes of a trip the worker is placed on the straight line by time; between trips, where the last ended.
export function positionAt(points: number[][], t: number): [number, number] {
  let lo = 0, hi = points.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (points[mid][0] <= t) lo = mid; else hi = mid - 1; }
  const a = points[lo], b = points[lo + 1];
  if (!b || b[3] !== a[3] || b[0] === a[0] || t <= a[0]) return [a[1], a[2]];
  const k = Math.min(1, (t - a[0]) / (b[0] - a[0]));
  return [a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}

async function loadReplay(worker: string, day: string): Promise<void> {
  const q = `worker=${encodeURIComponent(worker)}&from=${encodeURIComponent(cityMidnight(day))}&to=${encodeURIComponent(cityMidnight(addDays(day, 1)))}&tolerance=2`;
  const track = await api<Track>(`/api/patrols/tracks?${q}`);
  const points = timeline(track);
  const box = document.getElementById('replay');
  if (!box) return;
  if (!points.length) { box.innerHTML = `<p class="note">${t('worker.noTrack', { day })}</p>`; return; }
  clearReplay();
  const map = theMap();
  map.addSource('replay', { type: 'geojson', data: track as unknown as string });
  map.addLayer({ id: 'replay-track', type: 'line', source: 'replay', paint: { 'line-color': '#c2185b', 'line-width': 3, 'line-opacity': 0.8 } });
  const dot = document.createElement('div');
  dot.className = 'replay-marker';
  // Whole seconds, rounded up: the slider's end is the last fix itself, not half a second before it.
  const first = points[0][0], span = Math.ceil((points[points.length - 1][0] - first) / 1000);
  const fixes = track.features.reduce((n, f) => n + f.properties.fixes, 0);
  box.innerHTML = `<p><button id="replay-play" type="button">${t('worker.play')}</button> <output id="replay-time"></output>
    <small>${t('worker.fixes', { fixes, trips: track.features.length })}</small></p>
    <input id="replay-slider" type="range" min="0" max="${span}" step="1" value="0" aria-label="${esc(t('worker.replayTime'))}">`;
  const slider = box.querySelector<HTMLInputElement>('#replay-slider')!, time = box.querySelector('#replay-time')!;
  const replay: Replay = { marker: new maplibregl.Marker({ element: dot }), slider, playing: 0 };
  sg.sg.replay = replay;
  const show = () => {
    const at = first + Number(slider.value) * 1000;
    replay.marker.setLngLat(positionAt(points, at));
    time.textContent = cityTimeSeconds(at);
  };
  show();
  replay.marker.addTo(map);
  slider.addEventListener('input', show);
  const play = box.querySelector<HTMLButtonElement>('#replay-play')!;
  play.addEventListener('click', () => {
    if (replay.playing) { clearInterval(replay.playing); replay.playing = 0; play.textContent = t('worker.play'); return; }
    if (Number(slider.value) >= span) slider.value = '0';
    play.textContent = t('worker.pause');
    // The whole day in about 30 seconds.
    replay.playing = window.setInterval(() => {
      slider.value = String(Math.min(span, Number(slider.value) + Math.max(1, Math.round(span / 300))));
      show();
      if (Number(slider.value) >= span) play.click();
    }, 100);
  });
  const xs = points.map((p) => p[1]), ys = points.map((p) => p[2]);
  map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { maxZoom: 17, padding: 60, duration: 0 });
}

interface LiveWorker { worker: string; name: string; team: string | null; t: string; lon: number; lat: number; grid: string | null; ageSeconds: number }

/** The workers with a recent fix as a list (every worker on the map is also reachable by keyboard): a click opens their panel and flies there. */
export function renderWorkerList(box: HTMLElement): void {
  box.innerHTML = `<h3>${t('worker.list')}</h3><ul class="watch-list" id="worker-list"><li class="note">${t('loading')}</li></ul>`;
  api<LiveWorker[]>('/api/patrols/live').then((workers) => {
    const list = box.querySelector('#worker-list')!;
    list.innerHTML = workers.length ? workers.slice(0, 200).map((w) => `<li><button type="button" data-worker="${esc(w.worker)}">${esc(w.name)} <small>${esc(w.worker)}</small>
      <span class="sub">${esc(w.team ?? '')} · ${esc(w.grid ?? '—')} · ${t('worker.lastFix', { age: duration(w.ageSeconds / 60) })}</span></button></li>`).join('')
      : `<li class="note">${t('worker.none')}</li>`;
    list.querySelectorAll<HTMLButtonElement>('button[data-worker]').forEach((b) => b.addEventListener('click', () => {
      const w = workers.find((x) => x.worker === b.dataset.worker)!;
      theMap().jumpTo({ center: [w.lon, w.lat], zoom: Math.max(theMap().getZoom(), 16) });
      void showWorker({ properties: { worker: w.worker, name: w.name, team: w.team ?? '', grid: w.grid ?? '', age_s: Math.round(w.ageSeconds) } });
    }));
  }).catch((e) => { box.querySelector('#worker-list')!.innerHTML = `<li class="error">${esc((e as Error).message)}</li>`; });
}
