// Generates the map's glyphs: MapLibre's SDF glyph ranges (the glyphs.proto of mapbox/node-fontnik: 24 px, a 3 px
// buffer, 256 code points a file) from Debian's fonts, into src/SpatialGrid.Api/wwwroot/fonts/{fontstack}/{start}-{end}.pbf.
//   cd deploy/glyphs && npm ci && node make-glyphs.mjs [OUT_DIR]
// Latin, punctuation, symbols: DejaVu Sans Book (fonts-dejavu-core). CJK symbols and punctuation (、。「」《》) and the
// full-width forms (（），：): Noto Sans CJK SC Regular (fonts-noto-cjk), which DejaVu lacks. CJK ideographs, kana and
// Hangul are not generated: MapLibre draws those from the browser's own fonts (localIdeographFontFamily).
// No native code: each glyph's outline is flattened to segments, and every pixel's signed distance to them is computed
// here (inside by the non-zero winding rule), as sdf-glyph-foundry does it after FreeType: radius 8 px, cutoff 0.25.
import opentype from 'opentype.js';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FONTSTACK = 'DejaVu Sans Book';
const SIZE = 24, BUFFER = 3, RADIUS = 8, CUTOFF = 0.25;
const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, '../../src/SpatialGrid.Api/wwwroot/fonts');
const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const NOTO_CJK = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

// The ranges a Chinese city's names, legends and labels use, and which font draws each.
const RANGES = [
  [0, 'latin'], [256, 'latin'], [512, 'latin'], [768, 'latin'], // Basic Latin, Latin-1, Latin Extended (pinyin ǎ ǐ ǒ ǔ), combining marks, Greek
  [8192, 'latin'], [8448, 'latin'], [8704, 'latin'], [9472, 'latin'], // general punctuation, letterlike and number forms (Ⅱ), arrows, maths, box drawing and shapes (●▲■)
  [12288, 'cjk'], [65280, 'cjk'], // CJK symbols and punctuation (with kana), half- and full-width forms
];

function readFont(path, hint) {
  try {
    return readFileSync(path);
  } catch {
    throw new Error(`${path} is missing: install ${hint} (apt-get install ${hint})`);
  }
}

/** One font of a TrueType/OpenType collection as a font file of its own (opentype.js reads single fonts only). */
function fromCollection(buf, want) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.toString('latin1', 0, 4) !== 'ttcf') return opentype.parse(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const count = dv.getUint32(8);
  for (let f = 0; f < count; f++) {
    const at = dv.getUint32(12 + 4 * f);
    const tables = dv.getUint16(at + 4);
    const records = [];
    for (let t = 0; t < tables; t++) {
      const r = at + 12 + 16 * t;
      records.push({ tag: buf.toString('latin1', r, r + 4), sum: dv.getUint32(r + 4), offset: dv.getUint32(r + 8), length: dv.getUint32(r + 12) });
    }
    // The family name first, without parsing the whole font: the name table's records.
    const name = records.find(r => r.tag === 'name');
    if (!familyNames(buf, name.offset).some(n => n === want)) continue;
    let size = 12 + 16 * tables;
    for (const r of records) size += (r.length + 3) & ~3;
    const font = Buffer.alloc(size);
    buf.copy(font, 0, at, at + 12);
    let next = 12 + 16 * tables;
    records.forEach((r, t) => {
      const p = 12 + 16 * t;
      font.write(r.tag, p, 'latin1');
      font.writeUInt32BE(r.sum, p + 4);
      font.writeUInt32BE(next, p + 8);
      font.writeUInt32BE(r.length, p + 12);
      buf.copy(font, next, r.offset, r.offset + r.length);
      next += (r.length + 3) & ~3;
    });
    return opentype.parse(font.buffer.slice(font.byteOffset, font.byteOffset + font.byteLength));
  }
  throw new Error(`no font '${want}' in the collection`);
}

/** The family names (name ID 1, Windows Unicode) in a name table. */
function familyNames(buf, at) {
  const count = buf.readUInt16BE(at + 2), strings = at + buf.readUInt16BE(at + 4), names = [];
  for (let i = 0; i < count; i++) {
    const r = at + 6 + 12 * i;
    if (buf.readUInt16BE(r) !== 3 || buf.readUInt16BE(r + 6) !== 1) continue;
    const length = buf.readUInt16BE(r + 8), offset = buf.readUInt16BE(r + 10);
    const bytes = Buffer.from(buf.subarray(strings + offset, strings + offset + length));
    names.push(bytes.swap16().toString('utf16le'));
  }
  return names;
}

/** The glyph's outline in pixels (y up, origin on the baseline) as closed polylines. */
function rings(glyph, scale) {
  const result = [];
  let ring = null, x = 0, y = 0;
  const steps = 8;
  for (const c of glyph.path.commands) {
    if (c.type === 'M') { if (ring?.length > 1) result.push(ring); ring = [[c.x * scale, c.y * scale]]; x = c.x; y = c.y; }
    else if (c.type === 'L') { ring.push([c.x * scale, c.y * scale]); x = c.x; y = c.y; }
    else if (c.type === 'Q') {
      for (let s = 1; s <= steps; s++) {
        const t = s / steps, u = 1 - t;
        ring.push([(u * u * x + 2 * u * t * c.x1 + t * t * c.x) * scale, (u * u * y + 2 * u * t * c.y1 + t * t * c.y) * scale]);
      }
      x = c.x; y = c.y;
    } else if (c.type === 'C') {
      for (let s = 1; s <= steps; s++) {
        const t = s / steps, u = 1 - t;
        ring.push([(u * u * u * x + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x) * scale,
          (u * u * u * y + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y) * scale]);
      }
      x = c.x; y = c.y;
    } else if (c.type === 'Z') { if (ring?.length > 1) result.push(ring); ring = null; }
  }
  if (ring?.length > 1) result.push(ring);
  return result;
}

function distanceToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay, l = dx * dx + dy * dy;
  const t = l === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l));
  const ex = ax + t * dx - px, ey = ay + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

/** Non-zero winding number of the rings around a point. */
function winding(px, py, segments) {
  let w = 0;
  for (const [ax, ay, bx, by] of segments) {
    if (ay <= py) {
      if (by > py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) > 0) w++;
    } else if (by <= py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) < 0) w--;
  }
  return w;
}

/** One glyph as fontnik renders it: metrics in whole pixels, the SDF bitmap rows from the top, (w+6)×(h+6) bytes. */
export function render(font, glyph, codepoint) {
  const scale = SIZE / font.unitsPerEm;
  const ascender = Math.ceil(font.ascender * scale);
  const advance = Math.round(glyph.advanceWidth * scale);
  const outline = rings(glyph, scale);
  const empty = { id: codepoint, width: 0, height: 0, left: 0, top: -ascender, advance, bitmap: null };
  if (outline.length === 0) return empty;
  let xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
  for (const r of outline) for (const [x, y] of r) { xmin = Math.min(xmin, x); xmax = Math.max(xmax, x); ymin = Math.min(ymin, y); ymax = Math.max(ymax, y); }
  [xmin, ymin, xmax, ymax] = [Math.round(xmin), Math.round(ymin), Math.round(xmax), Math.round(ymax)];
  const width = xmax - xmin, height = ymax - ymin;
  if (width <= 0 || height <= 0) return empty;
  const segments = [];
  for (const r of outline) {
    for (let i = 0; i < r.length; i++) {
      const [ax, ay] = r[i], [bx, by] = r[(i + 1) % r.length];
      segments.push([ax - xmin + BUFFER, ay - ymin + BUFFER, bx - xmin + BUFFER, by - ymin + BUFFER]);
    }
  }
  const w = width + 2 * BUFFER, h = height + 2 * BUFFER;
  const bitmap = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x + 0.5, py = y + 0.5;
      let d = RADIUS;
      for (const [ax, ay, bx, by] of segments) {
        if (Math.min(ax, bx) - d > px || Math.max(ax, bx) + d < px || Math.min(ay, by) - d > py || Math.max(ay, by) + d < py) continue;
        d = Math.min(d, distanceToSegment(px, py, ax, ay, bx, by));
      }
      let v = d * (256 / RADIUS);
      if (winding(px, py, segments) !== 0) v = -v;
      v += CUTOFF * 256;
      // Rows from the top (y runs up here); 255 deep inside, 191 on the edge, 0 from 6 px outside.
      bitmap[(h - 1 - y) * w + x] = 255 - Math.max(0, Math.min(255, Math.trunc(v)));
    }
  }
  return { id: codepoint, width, height, left: xmin, top: ymax - ascender, advance, bitmap };
}

// Protocol buffers, written by hand: varints, zig-zag, length-delimited fields.
const varint = (n, bytes) => { n = Number(n); while (n > 127) { bytes.push((n & 127) | 128); n = Math.floor(n / 128); } bytes.push(n); };
const tag = (field, wire, bytes) => varint(field * 8 + wire, bytes);
const uint = (field, n, bytes) => { tag(field, 0, bytes); varint(n, bytes); };
const sint = (field, n, bytes) => uint(field, n >= 0 ? 2 * n : -2 * n - 1, bytes);
const chunk = (field, data, bytes) => { tag(field, 2, bytes); varint(data.length, bytes); for (const b of data) bytes.push(b); };

export function encodeRange(name, start, glyphs) {
  const stack = [];
  chunk(1, Buffer.from(name, 'utf8'), stack);
  chunk(2, Buffer.from(`${start}-${start + 255}`, 'utf8'), stack);
  for (const g of glyphs) {
    const bytes = [];
    uint(1, g.id, bytes);
    if (g.bitmap) chunk(2, g.bitmap, bytes);
    uint(3, g.width, bytes);
    uint(4, g.height, bytes);
    sint(5, g.left, bytes);
    sint(6, g.top, bytes);
    uint(7, g.advance, bytes);
    chunk(3, bytes, stack);
  }
  const message = [];
  chunk(1, stack, message);
  return Buffer.from(message);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fonts = {
    latin: fromCollection(readFont(DEJAVU, 'fonts-dejavu-core')),
    cjk: fromCollection(readFont(NOTO_CJK, 'fonts-noto-cjk'), 'Noto Sans CJK SC'),
  };
  const folder = join(out, FONTSTACK);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const [start, which] of RANGES) {
    const font = fonts[which];
    const glyphs = [];
    for (let cp = start; cp < start + 256; cp++) {
      const index = font.charToGlyphIndex(String.fromCodePoint(cp));
      if (!index) continue;
      glyphs.push(render(font, font.glyphs.get(index), cp));
    }
    const file = join(folder, `${start}-${start + 255}.pbf`);
    writeFileSync(file, encodeRange(FONTSTACK, start, glyphs));
    console.log(`${file}: ${glyphs.length} glyphs`);
  }
}
