// Every tile layer of the running service (deploy/test.sh starts it with the demo city) decoded by Mapbox's own
// decoder from npm (@mapbox/vector-tile, pbf) and held to the Mapbox Vector Tile specification 2.1: layer version
// and extent, unique layer names, geometry types and commands, polygon ring winding, unique feature ids, and every
// property declared in the layer's TileJSON with the declared type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader as Pbf } from 'pbf';
import { base, key } from './open-map.mjs';

const LAYERS = ['grids', 'components', 'roads', 'base', 'cases', 'patrols', 'risk', 'heat', 'density'];
// Layers the demo city always fills around its centre; the others may be empty on a given day.
const MUST_DRAW = ['grids', 'components', 'roads', 'base', 'cases'];
const headers = { 'X-Api-Key': key };

/** The XYZ tile holding a point at a zoom. */
function tileAt(lon, lat, z) {
  const n = 2 ** z;
  const x = Math.floor((lon + 180) / 360 * n);
  const r = lat * Math.PI / 180;
  const y = Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
  return { z, x, y };
}

/** The names of the layers as they are on the wire (the decoder keeps one per name, hiding repeats). */
function layerNames(buf) {
  const names = [];
  new Pbf(buf).readFields((tag, _, pbf) => {
    if (tag === 3) names.push(pbf.readMessage((t, layer, p) => { if (t === 1) layer.name = p.readString(); }, {}).name);
  }, null);
  return names;
}

/** Twice the signed area of a ring in tile coordinates (y down): positive is the spec's exterior winding. */
function signedArea(ring) {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j].x * ring[i].y) - (ring[i].x * ring[j].y);
  return sum;
}

const TYPE_OF = { String: 'string', Number: 'number', Boolean: 'boolean' };

/** Checks one decoded tile against the spec and the layer's TileJSON; returns the number of features. */
function checkTile(where, buf, tilejson) {
  const declared = new Map(tilejson.vector_layers.map(l => [l.id, l.fields]));
  const names = layerNames(buf);
  assert.equal(new Set(names).size, names.length, `${where}: layer names are unique (${names})`);
  const tile = new VectorTile(new Pbf(buf));
  let count = 0;
  for (const [name, layer] of Object.entries(tile.layers)) {
    assert.ok(declared.has(name), `${where}: layer ${name} is declared in TileJSON`);
    assert.equal(layer.version, 2, `${where}/${name}: version 2`);
    assert.ok(Number.isInteger(layer.extent) && layer.extent > 0, `${where}/${name}: extent ${layer.extent}`);
    const fields = declared.get(name);
    const ids = new Set();
    const margin = layer.extent / 8;
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const at = `${where}/${name}#${i}`;
      assert.ok([1, 2, 3].includes(f.type), `${at}: geometry type ${f.type} is POINT, LINESTRING or POLYGON`);
      if (f.id !== undefined) {
        assert.ok(!ids.has(f.id), `${at}: feature id ${f.id} unique in its layer`);
        ids.add(f.id);
      }
      for (const [k, v] of Object.entries(f.properties)) {
        assert.ok(k in fields, `${at}: property ${k} is declared (${Object.keys(fields)})`);
        assert.equal(typeof v, TYPE_OF[fields[k]], `${at}: ${k} is a ${fields[k]} as TileJSON says (got ${JSON.stringify(v)})`);
      }
      const geometry = f.loadGeometry();   // throws on an unknown command or a truncated geometry
      assert.ok(geometry.length > 0, `${at}: has geometry`);
      for (const part of geometry) {
        for (const p of part) {
          assert.ok(Number.isInteger(p.x) && Number.isInteger(p.y), `${at}: integer coordinates`);
          assert.ok(p.x >= -margin && p.x <= layer.extent + margin && p.y >= -margin && p.y <= layer.extent + margin,
            `${at}: (${p.x}, ${p.y}) within the tile and its buffer`);
        }
        if (f.type === 2) assert.ok(part.length >= 2, `${at}: a line has at least two points`);
        if (f.type === 3) {
          assert.ok(part.length >= 4, `${at}: a ring has at least three distinct points`);
          assert.notEqual(signedArea(part), 0, `${at}: no ring of zero area`);
        }
      }
      if (f.type === 3) assert.ok(signedArea(geometry[0]) > 0, `${at}: the first ring is an exterior ring (clockwise in tile coordinates)`);
      // The decoder's own GeoJSON conversion classifies rings into polygons: every polygon has an exterior ring.
      const gj = f.toGeoJSON(0, 0, 0);
      assert.ok(gj.geometry.coordinates.length > 0, `${at}: converts to GeoJSON`);
      count++;
    }
  }
  return count;
}

test('every tile layer decodes with Mapbox\'s decoder and keeps to MVT 2.1 and its TileJSON', async (t) => {
  const drawn = {};
  for (const name of LAYERS) {
    const res = await fetch(`${base}/tiles/${name}.json`, { headers });
    assert.equal(res.status, 200, `${name}.json`);
    const tilejson = await res.json();
    const [lon, lat, centreZoom] = tilejson.center;
    drawn[name] = 0;
    // The centre's tile at the TileJSON's zoom and at every layer's first zoom, so every vector layer is reached.
    const zooms = new Set([centreZoom, ...tilejson.vector_layers.map(l => Math.max(l.minzoom, tilejson.minzoom))]);
    for (const z of zooms) {
      const t = tileAt(lon, lat, z);
      const where = `${name}/${t.z}/${t.x}/${t.y}`;
      const tr = await fetch(`${base}/tiles/${name}/${t.z}/${t.x}/${t.y}.mvt`, { headers });
      assert.ok([200, 204].includes(tr.status), `${where}: ${tr.status}`);
      if (tr.status === 204) continue;
      assert.equal(tr.headers.get('content-type'), 'application/vnd.mapbox-vector-tile', `${where}: media type`);
      drawn[name] += checkTile(where, new Uint8Array(await tr.arrayBuffer()), tilejson);
    }
  }
  t.diagnostic(`features checked per layer: ${JSON.stringify(drawn)}`);
  for (const name of MUST_DRAW) assert.ok(drawn[name] > 0, `${name} draws features at the demo city's centre (${JSON.stringify(drawn)})`);
});

test('the grid layers carry kind as a string, as TileJSON declares', async () => {
  const tilejson = await (await fetch(`${base}/tiles/grids.json`, { headers })).json();
  const [lon, lat] = tilejson.center;
  const t = tileAt(lon, lat, 15);
  const buf = new Uint8Array(await (await fetch(`${base}/tiles/grids/${t.z}/${t.x}/${t.y}.mvt`, { headers })).arrayBuffer());
  const tile = new VectorTile(new Pbf(buf));
  const seen = [];
  for (const name of ['districts', 'subdistricts', 'communities', 'grids']) {
    const layer = tile.layers[name];
    assert.ok(layer && layer.length > 0, `layer ${name} at z15 over the centre`);
    for (let i = 0; i < layer.length; i++) assert.equal(typeof layer.feature(i).properties.kind, 'string', `${name}#${i}.kind`);
    seen.push(name);
  }
  assert.equal(seen.length, 4);
});
