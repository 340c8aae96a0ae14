// A team's day replayed (planner): every worker's track of the day on one time slider, the workers drawn as one
// GeoJSON source of points moved together (one source update a frame, smooth with hundreds of workers), their trails
// as lines. Tracks are read per worker, six at a time.
import type { GeoJSONSource } from 'maplibre-gl';
import { api } from '../api';
import { addDays, cityDay, cityMidnight, cityTimeSeconds } from '../clock';
import { esc } from '../dom';
import { t } from '../i18n';
import { theMap } from '../map/mapview';
import type { Paged } from './types';
import { positionAt, timeline } from './patrols';

interface Worker { id: string; name: string }
interface TrackFeature { geometry: { type: string; coordinates: number[][] | number[] }; properties: { times: string[] } }
type Timeline = { worker: string; name: string; points: number[][] };

let playing = 0;

/** Where a worker is at a moment: nowhere before their first fix, else as in their own replay. */
const at = (points: number[][], time: number): [number, number] | null => (!points.length || time < points[0][0] ? null : positionAt(points, time));

export function renderShiftReplay(box: HTMLElement): void {
  box.innerHTML = `<h3>${t('shift.title')}</h3><form id="shift-form" class="filters"><div class="row">
      <label>${t('worker.team')}<select name="team" id="shift-team"><option value="">—</option></select></label>
      <label>${t('shift.day')}<input type="date" name="day" value="${cityDay()}"></label></div>
      <p class="form-buttons"><button type="submit" id="shift-load">${t('shift.load')}</button></p></form><div id="shift-box"></div>`;
  const select = box.querySelector<HTMLSelectElement>('#shift-team')!;
  api<{ id: string; name: string }[]>('/api/patrols/teams').then((teams) => {
    for (const team of teams) select.insertAdjacentHTML('beforeend', `<option value="${esc(team.id)}">${esc(team.name)}</option>`);
  }).catch(() => {});
  box.querySelector('form')!.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = new FormData(e.target as HTMLFormElement);
    const out = box.querySelector('#shift-box')!;
    if (!d.get('team')) { out.innerHTML = `<p class="error">${t('shift.chooseTeam')}</p>`; return; }
    out.innerHTML = `<p class="note">${t('loading')}</p>`;
    try { await load(out as HTMLElement, String(d.get('team')), String(d.get('day'))); } catch (err) { out.innerHTML = `<p class="error" role="alert">${esc((err as Error).message)}</p>`; }
  });
}

async function load(out: HTMLElement, team: string, day: string): Promise<void> {
  const r = await api<Worker[] | Paged<Worker>>(`/api/patrols/workers?team=${encodeURIComponent(team)}&pageSize=1000`);
  const workers = Array.isArray(r) ? r : r.items;
  const from = encodeURIComponent(cityMidnight(day)), to = encodeURIComponent(cityMidnight(addDays(day, 1)));
  const lines: Timeline[] = [];
  for (let i = 0; i < workers.length; i += 6) {
    await Promise.all(workers.slice(i, i + 6).map(async (w) => {
      const track = await api<{ features: TrackFeature[] }>(`/api/patrols/tracks?worker=${encodeURIComponent(w.id)}&from=${from}&to=${to}&tolerance=2`);
      const points = timeline(track);
      if (points.length) lines.push({ worker: w.id, name: w.name, points });
    }));
  }
  if (!lines.length) { out.innerHTML = `<p class="note">${t('shift.none', { day })}</p>`; return; }
  const first = Math.min(...lines.map((l) => l.points[0][0])), last = Math.max(...lines.map((l) => l.points[l.points.length - 1][0]));
  const span = Math.ceil((last - first) / 1000);
  const map = theMap();
  const trails = { type: 'FeatureCollection', features: lines.map((l) => ({ type: 'Feature', properties: { worker: l.worker }, geometry: { type: 'LineString', coordinates: l.points.map((p) => [p[1], p[2]]) } })) };
  for (const id of ['shift-workers', 'shift-trails']) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of ['shift-workers', 'shift-trails']) if (map.getSource(id)) map.removeSource(id);
  map.addSource('shift-trails', { type: 'geojson', data: trails as unknown as string });
  map.addSource('shift-workers', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } as unknown as string });
  map.addLayer({ id: 'shift-trails', type: 'line', source: 'shift-trails', paint: { 'line-color': '#7b2cbf', 'line-width': 1.5, 'line-opacity': 0.45 } });
  map.addLayer({ id: 'shift-workers', type: 'circle', source: 'shift-workers', paint: { 'circle-radius': 6, 'circle-color': '#c2185b', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
  out.innerHTML = `<p><button type="button" id="shift-play">${t('worker.play')}</button> <output id="shift-time"></output> <small>${t('shift.workers', { n: lines.length })}</small></p>
    <input id="shift-slider" type="range" min="0" max="${span}" value="0" step="1" aria-label="${esc(t('worker.replayTime'))}">`;
  const slider = out.querySelector<HTMLInputElement>('#shift-slider')!, time = out.querySelector('#shift-time')!;
  const show = () => {
    const now = first + Number(slider.value) * 1000;
    const features = lines.flatMap((l) => { const p = at(l.points, now); return p ? [{ type: 'Feature', properties: { worker: l.worker, name: l.name }, geometry: { type: 'Point', coordinates: p } }] : []; });
    (map.getSource('shift-workers') as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features } as unknown as string);
    time.textContent = cityTimeSeconds(now);
  };
  slider.addEventListener('input', show);
  show();
  const play = out.querySelector<HTMLButtonElement>('#shift-play')!;
  play.addEventListener('click', () => {
    if (playing) { cancelAnimationFrame(playing); playing = 0; play.textContent = t('worker.play'); return; }
    play.textContent = t('worker.pause');
    // The day in about 40 seconds, a frame at a time.
    const perFrame = Math.max(1, Math.round(span / (40 * 60)));
    const step = () => {
      slider.value = String(Math.min(span, Number(slider.value) + perFrame));
      show();
      if (Number(slider.value) >= span) { playing = 0; play.textContent = t('worker.play'); return; }
      playing = requestAnimationFrame(step);
    };
    playing = requestAnimationFrame(step);
  });
  const xs = lines.flatMap((l) => l.points.map((p) => p[1])), ys = lines.flatMap((l) => l.points.map((p) => p[2]));
  map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 60, duration: 0, maxZoom: 16 });
}
