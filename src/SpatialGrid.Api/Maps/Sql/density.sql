-- The choropleth of cases per responsibility grid: each current comprehensive grid of the tile that the caller sees
-- (@scope) with the cases reported in it in [@from_at, @until_at) (class LIKE @class_like; open ones only with
-- @open_only), zero included, and those per km² (what the colour follows); simplified to the tile's pixel size.
WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS env4326),
g AS (
  SELECT g.code, g.name, coalesce(nullif(g.area_m2, 0), ST_Area(g.geometry::geography)) AS area_m2, g.geometry
  FROM grids g, b
  WHERE g.valid_from IS NOT NULL AND g.valid_to IS NULL AND g.level = 4 AND g.kind = 1 AND g.geometry && b.env4326
    AND g.code LIKE ANY (@scope::text[])
),
-- Counted once (MATERIALIZED): the generic plan of the prepared statement otherwise re-sorted every count per grid.
n AS MATERIALIZED (
  SELECT c.grid_code, count(*)::int AS count
  FROM cases c
  WHERE c.grid_code IN (SELECT code FROM g) AND c.reported_at >= @from_at AND c.reported_at < @until_at
    AND c.class_code LIKE @class_like AND (NOT @open_only OR c.state NOT IN (7, 8))
  GROUP BY c.grid_code
)
SELECT coalesce((SELECT ST_AsMVT(t, 'density', 4096, 'geom') FROM (
  SELECT g.code, g.name, coalesce(n.count, 0) AS count,
         round((coalesce(n.count, 0) / nullif(g.area_m2, 0) * 1e6)::numeric, 3)::double precision AS per_km2,
         ST_AsMVTGeom(ST_Transform(ST_SimplifyPreserveTopology(g.geometry, @tolerance), 3857), b.env, 4096, 64, true) AS geom
  FROM g LEFT JOIN n ON n.grid_code = g.code, b
  LIMIT @cap) t WHERE geom IS NOT NULL), '');
