-- The planner's heat map: cases reported in [@from_at, @until_at) (class LIKE @class_like; open ones only with
-- @open_only; only those the caller sees, @scope) counted in 16 × 16 square bins of the tile (32 px of a 512-px tile).
-- A case's mercator_key is the Morton code of its Web Mercator pixel at zoom 24: a tile is one range of keys, and a bin
-- the key's 8 bits below the tile's, so the tile is one index-only range scan of ix_cases_mercator_key (a city-zoom tile
-- over a year of a million cases never reads the case rows). Every case is in exactly one tile and one bin.
-- bins: the squares; points: one per bin at its centre, for a heatmap layer weighted by count.
-- The period is compared as reported_at + 0 s, which no index serves: prepared, this runs on a generic plan that cannot
-- know a year is most of the table, and it chose to AND the key range with ix_cases_reported (a million entries; 0.5 to
-- 4 s a tile instead of 0.1).
WITH t AS (
  SELECT ST_TileEnvelope(@z, @x, @y) AS env, sg_morton(@x, @y) << (2 * (24 - @z)) AS lo, 1::bigint << (2 * (24 - @z)) AS span
),
m AS (
  SELECT (c.mercator_key - t.lo) >> (2 * (20 - @z)) AS m, count(*)::int AS count
  FROM cases c, t
  WHERE c.mercator_key >= t.lo AND c.mercator_key < t.lo + t.span
    AND c.reported_at + interval '0 s' >= @from_at AND c.reported_at + interval '0 s' < @until_at
    AND c.class_code LIKE @class_like AND (NOT @open_only OR c.state NOT IN (7, 8))
    AND coalesce(c.grid_code, c.district_code) LIKE ANY (@scope::text[])
  GROUP BY 1
),
bins AS (
  -- The bin's column and row in the tile: the even and the odd bits of its 8-bit Morton code.
  SELECT count, (m & 1) | ((m >> 1) & 2) | ((m >> 2) & 4) | ((m >> 3) & 8) AS i,
         ((m >> 1) & 1) | ((m >> 2) & 2) | ((m >> 3) & 4) | ((m >> 4) & 8) AS j,
         ST_XMin(t.env) AS west, ST_YMax(t.env) AS north, (ST_XMax(t.env) - ST_XMin(t.env)) / 16 AS side, t.env
  FROM m, t
)
SELECT coalesce((SELECT ST_AsMVT(b, 'bins', 4096, 'geom') FROM (
  SELECT count, ST_AsMVTGeom(ST_MakeEnvelope(west + i * side, north - (j + 1) * side, west + (i + 1) * side, north - j * side, 3857), env, 4096, 0, false) AS geom
  FROM bins) b), '')
    || coalesce((SELECT ST_AsMVT(p, 'points', 4096, 'geom') FROM (
  SELECT count, ST_AsMVTGeom(ST_MakePoint(west + (i + 0.5) * side, north - (j + 0.5) * side), env, 4096, 0, false) AS geom
  FROM bins) p), '');
