// One MapLibre map shared by every view: the style of style.ts, a scale bar, the legend (which is also the layer
// switch), clicks routed to the panel that owns what was hit, and the selection highlighted on the map.
import maplibregl, { type MapGeoJSONFeature, type Map as MlMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { keyOf } from '../api';
import { byId } from '../dom';
import { t, onLang } from '../i18n';
import { addIcons, majors, shapeCanvas, urgency } from './icons';
import { buildStyle, keyedSources, layerGroups, setHeatQuery } from './style';

export type Pick = { layer: string; open: (f: MapGeoJSONFeature, all: MapGeoJSONFeature[]) => void | Promise<void> };

const pickers: Pick[] = [];
let map: MlMap;
let hasKey = false;

export const theMap = (): MlMap => map;
export const onPick = (p: Pick): void => { pickers.push(p); };
export const shown = (layer: string): boolean => !!map.getLayer(layer) && map.getLayoutProperty(layer, 'visibility') !== 'none';

/**
 * The glyphs and font the service's own style uses for labels (its /fonts files), or none: the map then draws no text
 * rather than asking for glyphs that are not there.
 */
async function serviceGlyphs(): Promise<{ glyphs: string; font: string[] } | null> {
  try {
    const style = await (await fetch('/styles/default.json')).json() as { glyphs?: string; layers: { layout?: { 'text-font'?: string[] } }[] };
    const font = style.layers.map((l) => l.layout?.['text-font']).find((f) => Array.isArray(f));
    return style.glyphs && font ? { glyphs: style.glyphs, font } : null;
  } catch { return null; }
}

// A cold load must not wait for one thing after another (#21): the glyph check and MapLibre's workers start with the
// page, while the session is asked for, and the map is created as soon as they are there.
const glyphsChecked = serviceGlyphs();
maplibregl.prewarm();

export async function createMap(onError: (e: Error) => void): Promise<MlMap> {
  hasKey = !!keyOf();
  const base = location.origin;
  map = new maplibregl.Map({
    container: 'map',
    style: buildStyle(base, hasKey, await glyphsChecked),
    center: [121.4737, 31.2304],
    zoom: 15.5,
    // Labels appear at once: a fade repaints the whole map for 300 ms after every placement, which a software-rendered
    // (or busy) desktop pays for while the first view's tiles are still being drawn (#21).
    fadeDuration: 0,
    // Chinese labels are drawn from the local fonts, never fetched.
    localIdeographFontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    // The key travels as a header, never in a tile URL.
    transformRequest: (url) => (keyedSources.some((s) => url.includes(`/tiles/${s}`)) && keyOf() ? { url, headers: { 'X-Api-Key': keyOf() } } : { url }),
    attributionControl: { compact: true, customAttribution: 'OpenStreetMap contributors' },
  });
  (window as unknown as { sgMap: MlMap }).sgMap = map;
  map.addControl(new maplibregl.NavigationControl(), 'top-left');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.on('styleimagemissing', () => addIcons(map));
  map.on('style.load', () => { addIcons(map); applyToggles(); });
  map.on('error', (e) => { if (e.error && !String(e.error.message).includes('AbortError')) onError(e.error); });
  map.on('click', (e) => click(e.point));
  renderLegend();
  onLang(renderLegend);
  return map;
}

/** The style anew for the key there is now (a key refused at sign-in: the public layers only). */
export async function restyle(): Promise<void> {
  hasKey = !!keyOf();
  map.setStyle(buildStyle(location.origin, hasKey, await glyphsChecked));
  renderLegend();
}

async function click(point: maplibregl.Point): Promise<void> {
  const near: [maplibregl.PointLike, maplibregl.PointLike] = [[point.x - 5, point.y - 5], [point.x + 5, point.y + 5]];
  for (const p of pickers) {
    if (!shown(p.layer)) continue;
    const hits = map.queryRenderedFeatures(p.layer.endsWith('-fill') ? point : near, { layers: [p.layer] });
    if (hits.length) { await p.open(hits[0], hits); return; }
  }
}

/** Highlights what the panel shows (one thing at a time). */
export function select(kind: 'case' | 'grid' | 'component' | null, id = ''): void {
  if (!map?.getStyle()) return;
  const set = (layer: string, filter: maplibregl.FilterSpecification) => { if (map.getLayer(layer)) map.setFilter(layer, filter); };
  const none = '\u0000';
  set('case-selected', ['==', ['get', 'number'], kind === 'case' ? id : none]);
  set('grid-selected', ['==', ['get', 'code'], kind === 'grid' ? id : none]);
  set('component-selected', ['all', ['==', ['geometry-type'], 'Point'], ['==', ['get', 'code'], kind === 'component' ? id : none]]);
  set('component-selected-line', ['all', ['!=', ['geometry-type'], 'Point'], ['==', ['get', 'code'], kind === 'component' ? id : none]]);
}

/** Fits the map to a GeoJSON geometry (any type). */
export function fitGeometry(geometry: { coordinates: unknown }, maxZoom = 17): void {
  const coords = (JSON.stringify(geometry.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);
  const xs = coords.filter((_, i) => i % 2 === 0), ys = coords.filter((_, i) => i % 2 === 1);
  if (!xs.length) return;
  map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { maxZoom, padding: 60, duration: 0 });
}

/** Fetches a source's tiles anew (live cases, moving workers). */
export function refreshSource(name: string): void {
  const source = map?.getSource(name) as (maplibregl.VectorTileSource & { tiles?: string[] }) | undefined;
  // The cache-breaking v= of the last refresh is replaced, and joined with ? or & by what is left of the URL.
  const bust = (u: string) => { const bare = u.replace(/[?&]v=\d+$/, ''); return `${bare}${bare.includes('?') ? '&' : '?'}v=${Date.now()}`; };
  if (source?.tiles) source.setTiles(source.tiles.map(bust));
}

export function setVisible(group: keyof typeof layerGroups, on: boolean): void {
  const box = document.querySelector<HTMLInputElement>(`#legend input[data-group="${group}"]`);
  if (box && box.checked !== on) { box.checked = on; }
  for (const id of layerGroups[group]) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
}

function applyToggles(): void {
  document.querySelectorAll<HTMLInputElement>('#legend input[data-group]').forEach((box) => {
    for (const id of layerGroups[box.dataset.group as keyof typeof layerGroups]) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', box.checked ? 'visible' : 'none');
  });
}

// The legend: one row per layer group, its symbol, its name and its switch. Keyed groups only with a key.
const initiallyOn = new Set(['roads', 'districts', 'subdistricts', 'communities', 'grids', 'components', 'cases']);
const state = new Map<string, boolean>();

function renderLegend(): void {
  const box = byId('legend');
  box.querySelectorAll<HTMLInputElement>('input[data-group]').forEach((i) => state.set(i.dataset.group!, i.checked));
  const rows: [string, string, boolean, () => HTMLElement][] = [
    ['roads', t('layer.roads'), false, () => swatch('line', '#c9c1b3', 4)],
    ['districts', t('layer.districts'), false, () => swatch('dash', '#0b1f44', 3)],
    ['subdistricts', t('layer.subdistricts'), false, () => swatch('line', '#1d3f7a', 3)],
    ['communities', t('layer.communities'), false, () => swatch('line', '#2f5fb3', 2)],
    ['grids', t('layer.grids'), false, () => swatch('area', '#5b8def', 1)],
    ['components', t('layer.components'), false, () => { const s = document.createElement('span'); majors.forEach((m) => s.append(shapeCanvas(m.shape, m.colour, 11))); return s; }],
    ['cases', t('layer.cases'), true, () => { const s = document.createElement('span'); Object.values(urgency).forEach((u) => s.append(shapeCanvas(u.shape, u.colour, 12))); return s; }],
    ['coverage', t('layer.coverage'), true, () => swatch('ramp', 'linear-gradient(to right, #d8f3dc, #74c69d, #1b7a43)', 0)],
    ['unvisited', t('layer.unvisited'), true, () => swatch('dash', '#e4572e', 2)],
    ['tracks', t('layer.tracks'), true, () => swatch('line', '#7b2cbf', 2)],
    ['live', t('layer.live'), true, () => swatch('dot', '#1f8a70', 0)],
    ['risk', t('layer.risk'), true, () => swatch('ramp', 'linear-gradient(to right, #fff5d6, #fdae61, #e34a33, #7f0000)', 0)],
    ['heat', t('layer.heat'), true, () => swatch('ramp', 'linear-gradient(to right, rgba(33,102,172,0.2), #67a9cf, #fddbc7, #ef8a62, #b2182b)', 0)],
    ['density', t('layer.density'), true, () => swatch('ramp', 'linear-gradient(to right, #fff5eb, #fdae6b, #e6550d, #7f2704)', 0)],
  ];
  // Open on a wide screen; on a phone it starts folded so the map stays visible.
  const open = box.querySelector('details') ? (box.querySelector('details') as HTMLDetailsElement).open : window.innerWidth > 900;
  box.innerHTML = `<details ${open ? 'open' : ''}><summary>${t('legend')}</summary><ul></ul><p class="legend-note"></p></details>`;
  const ul = box.querySelector('ul')!;
  for (const [group, name, keyed, symbol] of rows) {
    if (keyed && !hasKey) continue;
    const li = document.createElement('li');
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.dataset.group = group;
    input.dataset.layers = layerGroups[group as keyof typeof layerGroups].join(',');
    input.checked = state.get(group) ?? initiallyOn.has(group);
    input.addEventListener('change', () => setVisible(group as keyof typeof layerGroups, input.checked));
    label.append(input, symbol(), document.createTextNode(' ' + name));
    li.append(label);
    ul.append(li);
  }
  const note = box.querySelector('.legend-note')!;
  note.textContent = hasKey ? t('legend.cases') + ' · ' + majors.map((m) => t(`major.${m.code}`)).join(' · ') : t('legend.nokey');
}

function swatch(kind: 'line' | 'dash' | 'area' | 'ramp' | 'dot', colour: string, width: number): HTMLElement {
  const s = document.createElement('span');
  s.className = `swatch ${kind}`;
  s.setAttribute('aria-hidden', 'true');
  if (kind === 'ramp') s.style.background = colour;
  else if (kind === 'area') { s.style.background = `${colour}22`; s.style.borderColor = colour; }
  else if (kind === 'dot') s.style.background = colour;
  else { s.style.borderTopColor = colour; s.style.borderTopWidth = `${width}px`; }
  return s;
}

/** Points the heat and density layers at another period or class (their tiles are fetched anew). */
export function setHeatSources(query: string): void {
  setHeatQuery(query);
  for (const name of ['heat', 'density']) {
    const source = map?.getSource(name) as maplibregl.VectorTileSource | undefined;
    source?.setUrl(`${location.origin}/tiles/${name}.json${query}`);
  }
}
