// The command centre's map style, as code: the service's tile layers (roads, grids, components, cases, patrols,
// risk, and the planner's case heat and density), drawn for the console: components by class with icons (lines
// and areas as lines and areas), cases by urgency in shape and colour, selection highlighted, labels as symbol
// layers with collision handling (glyphs from the service's own /fonts; Chinese from local fonts).
import type { StyleSpecification, LayerSpecification, ExpressionSpecification } from 'maplibre-gl';
import { majors } from './icons';


/** The sources that need a case-reading key (their tiles are cut to the caller's scope). */
export const keyedSources = ['cases', 'patrols', 'risk', 'heat', 'density'];

const none = { visibility: 'none' as const };
const nothing: ExpressionSpecification = ['==', ['get', 'code'], '\u0000'];
const byMajor: ExpressionSpecification = ['match', ['slice', ['get', 'class'], 0, 2], ...majors.flatMap((m) => [m.code, m.colour]), '#555'] as unknown as ExpressionSpecification;

let heatQuery = '';
/** The period and class of the heat and density layers, as their tiles' query string. */
export const setHeatQuery = (q: string): void => { heatQuery = q; };

export function buildStyle(base: string, keyed: boolean, labels: { glyphs: string; font: string[] } | null): StyleSpecification {
  const FONT = labels?.font ?? [];
  const src = (layer: string) => ({ type: 'vector' as const, url: `${base}/tiles/${layer}.json` });
  // Roads, grids and components come in one tile a place (the service's composite source `base`): one request and one
  // decode a tile instead of three, which a cold first view pays for (#21).
  const sources: StyleSpecification['sources'] = { base: src('base') };
  if (keyed) for (const s of ['cases', 'patrols', 'risk']) sources[s] = src(s);
  // The planner's heat map and choropleth: PostGIS counts the cases of a period into bins and grids (the period and
  // class go on the TileJSON's URL, and from there on every tile's).
  if (keyed) for (const s of ['heat', 'density']) sources[s] = { type: 'vector', url: `${base}/tiles/${s}.json${heatQuery}` };
  const L: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } },
    { id: 'roads', type: 'line', source: 'base', 'source-layer': 'roads', paint: { 'line-color': '#c9c1b3', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.6, 17, 5] } },
    { id: 'grids-fill', type: 'fill', source: 'base', 'source-layer': 'grids', paint: { 'fill-color': ['match', ['get', 'kind'], 'dedicated', '#e9a23b', '#5b8def'], 'fill-opacity': 0.06 } },
    // Components drawn as what they are: areas (parks, squares), lines (river courses, guardrails), points with an icon.
    { id: 'components-area', type: 'fill', source: 'base', 'source-layer': 'components', filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': byMajor, 'fill-opacity': 0.18, 'fill-outline-color': byMajor } },
    { id: 'components-line', type: 'line', source: 'base', 'source-layer': 'components', filter: ['==', ['geometry-type'], 'LineString'],
      paint: { 'line-color': byMajor, 'line-width': 1.5, 'line-opacity': 0.7 } },
  ];
  if (keyed) {
    L.push(
      { id: 'patrols-coverage', type: 'fill', source: 'patrols', 'source-layer': 'coverage', layout: none,
        paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'minutes'], 1, '#d8f3dc', 30, '#74c69d', 120, '#1b7a43'], 'fill-opacity': 0.55 } },
      { id: 'patrols-unvisited', type: 'fill', source: 'patrols', 'source-layer': 'unvisited', layout: none, paint: { 'fill-color': '#e4572e', 'fill-opacity': 0.1 } },
      { id: 'patrols-unvisited-line', type: 'line', source: 'patrols', 'source-layer': 'unvisited', layout: none,
        paint: { 'line-color': '#e4572e', 'line-width': 2, 'line-dasharray': [2, 1.5] } },
      { id: 'density-fill', type: 'fill', source: 'density', 'source-layer': 'density', layout: none,
        paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'per_km2'], 0, '#fff5eb', 10, '#fdae6b', 50, '#e6550d', 200, '#7f2704'], 'fill-opacity': 0.65 } },
      { id: 'heat', type: 'heatmap', source: 'heat', 'source-layer': 'points', layout: none,
        paint: { 'heatmap-weight': ['interpolate', ['linear'], ['ln', ['+', 1, ['get', 'count']]], 0, 0, 7, 1], 'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 10, 14, 16, 32],
          'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 10, 1, 16, 2], 'heatmap-opacity': 0.75 } },
      { id: 'risk-fill', type: 'fill', source: 'risk', 'source-layer': 'risk', layout: none,
        paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'per_km2'], 0, '#fff5d6', 5, '#fdae61', 20, '#e34a33', 80, '#7f0000'], 'fill-opacity': 0.6 } },
      { id: 'risk-more', type: 'line', source: 'risk', 'source-layer': 'risk', layout: none, filter: ['in', ['get', 'code'], ['literal', []]],
        paint: { 'line-color': '#1b7a43', 'line-width': 4 } },
      { id: 'risk-less', type: 'line', source: 'risk', 'source-layer': 'risk', layout: none, filter: ['in', ['get', 'code'], ['literal', []]],
        paint: { 'line-color': '#6c757d', 'line-width': 3, 'line-dasharray': [1, 1] } },
    );
  }
  L.push(
    { id: 'grids-line', type: 'line', source: 'base', 'source-layer': 'grids', paint: { 'line-color': '#5b8def', 'line-width': 1 } },
    { id: 'communities-line', type: 'line', source: 'base', 'source-layer': 'communities', paint: { 'line-color': '#2f5fb3', 'line-width': 2 } },
    { id: 'subdistricts-line', type: 'line', source: 'base', 'source-layer': 'subdistricts', paint: { 'line-color': '#1d3f7a', 'line-width': 3 } },
    { id: 'districts-line', type: 'line', source: 'base', 'source-layer': 'districts', paint: { 'line-color': '#0b1f44', 'line-width': 3, 'line-dasharray': [3, 2] } },
    { id: 'grid-selected', type: 'line', source: 'base', 'source-layer': 'grids', filter: nothing, paint: { 'line-color': '#ff6f00', 'line-width': 4 } },
    // Point components (hydrants, bins, manholes: thousands in a city centre) from zoom 16, where one can tell them apart:
    // at the first view (15.5) their icons would cover the cases, and placing them costs the cold load most (#21).
    { id: 'components', type: 'symbol', source: 'base', 'source-layer': 'components', minzoom: 16, filter: ['==', ['geometry-type'], 'Point'],
      layout: { 'icon-image': ['concat', 'comp-', ['slice', ['get', 'class'], 0, 2]], 'icon-allow-overlap': true, 'icon-size': ['interpolate', ['linear'], ['zoom'], 15, 0.7, 18, 1] } },
    { id: 'component-selected', type: 'circle', source: 'base', 'source-layer': 'components', filter: nothing,
      paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ff6f00', 'circle-stroke-width': 3 } },
    { id: 'component-selected-line', type: 'line', source: 'base', 'source-layer': 'components', filter: nothing,
      paint: { 'line-color': '#ff6f00', 'line-width': 5, 'line-opacity': 0.8 } },
  );
  if (keyed) {
    L.push(
      { id: 'patrols-tracks', type: 'line', source: 'patrols', 'source-layer': 'tracks', layout: none, paint: { 'line-color': '#7b2cbf', 'line-width': 1.5, 'line-opacity': 0.7 } },
      // Cases: the shape tells the urgency as well as the colour (circle green, triangle yellow, square red).
      // Below zoom 15 the tiles join the cases of a 32-px square: a circle as large as their count, in the worst colour.
      { id: 'case-clusters', type: 'circle', source: 'cases', 'source-layer': 'cases', filter: ['>', ['coalesce', ['get', 'count'], 1], 1],
        paint: { 'circle-radius': ['interpolate', ['linear'], ['get', 'count'], 2, 10, 50, 18, 500, 26],
          'circle-color': ['match', ['get', 'colour'], 'red', '#c8102e', 'yellow', '#f2c14e', '#1a7f37'], 'circle-opacity': 0.85,
          'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
      { id: 'cases', type: 'symbol', source: 'cases', 'source-layer': 'cases', filter: ['!', ['>', ['coalesce', ['get', 'count'], 1], 1]],
        layout: { 'icon-image': ['concat', 'case-', ['get', 'colour']], 'icon-allow-overlap': true, 'icon-ignore-placement': true,
          'symbol-sort-key': ['match', ['get', 'colour'], 'red', 0, 'yellow', 1, 2] } },
      { id: 'case-selected', type: 'circle', source: 'cases', 'source-layer': 'cases', filter: ['==', ['get', 'number'], '\u0000'],
        paint: { 'circle-radius': 14, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ff6f00', 'circle-stroke-width': 3 } },
      { id: 'patrols-live', type: 'circle', source: 'patrols', 'source-layer': 'live', layout: none,
        paint: { 'circle-radius': 6, 'circle-color': ['step', ['get', 'age_s'], '#1f8a70', 120, '#f2a541', 600, '#8d99ae'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    );
  }
  if (labels && keyed) {
    L.push({ id: 'case-cluster-count', type: 'symbol', source: 'cases', 'source-layer': 'cases', filter: ['>', ['coalesce', ['get', 'count'], 1], 1],
      layout: { 'text-field': ['to-string', ['get', 'count']], 'text-font': FONT, 'text-size': 12, 'text-allow-overlap': true },
      paint: { 'text-color': ['match', ['get', 'colour'], 'yellow', '#000', '#fff'] } });
  }
  if (labels) {
    L.push(
      { id: 'road-names', type: 'symbol', source: 'base', 'source-layer': 'roads', minzoom: 14, filter: ['has', 'name'],
        layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 12, 'text-max-angle': 30, 'symbol-spacing': 300 },
        paint: { 'text-color': '#5a5246', 'text-halo-color': '#f4f1ea', 'text-halo-width': 1.5 } },
      { id: 'grid-labels', type: 'symbol', source: 'base', 'source-layer': 'grids', minzoom: 15.5,
        layout: { 'text-field': ['format', ['get', 'name'], {}, '\n', {}, ['get', 'code'], { 'font-scale': 0.8 }], 'text-font': FONT, 'text-size': 11,
          'text-padding': 4, 'text-optional': true },
        paint: { 'text-color': '#1d3f7a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 } },
      { id: 'subdistrict-labels', type: 'symbol', source: 'base', 'source-layer': 'subdistricts', maxzoom: 15.5,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 14 }, paint: { 'text-color': '#0b1f44', 'text-halo-color': '#fff', 'text-halo-width': 2 } },
    );
  }
  const style: StyleSpecification = { version: 8, name: 'SpatialGrid command centre', sources, layers: L };
  if (labels) style.glyphs = labels.glyphs;
  return style;
}

/** The layer groups a legend row toggles (ids in data-layers, as the browser tests address them). */
export const layerGroups = {
  roads: ['roads', 'road-names'],
  districts: ['districts-line'],
  subdistricts: ['subdistricts-line', 'subdistrict-labels'],
  communities: ['communities-line'],
  grids: ['grids-fill', 'grids-line', 'grid-labels'],
  components: ['components', 'components-line', 'components-area'],
  cases: ['cases', 'case-clusters', 'case-cluster-count'],
  coverage: ['patrols-coverage'],
  unvisited: ['patrols-unvisited', 'patrols-unvisited-line'],
  tracks: ['patrols-tracks'],
  live: ['patrols-live'],
  risk: ['risk-fill', 'risk-more', 'risk-less'],
  heat: ['heat'],
  density: ['density-fill'],
};
