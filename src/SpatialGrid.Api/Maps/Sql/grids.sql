-- Tile of the current grids, one source layer per level, each from its own zoom; polygons simplified to the
-- tile's pixel size (@tolerance, degrees) and capped at @cap features per layer. Features are looked for in the tile
-- and its 64-unit buffer (env4326 has that margin), so what lies in the buffer is drawn by both tiles. kind is the same
-- string in every layer (comprehensive or dedicated), as the TileJSON declares.
WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS env4326),
g AS (
  SELECT g.level, g.code, g.name, CASE g.kind WHEN 2 THEN 'dedicated' ELSE 'comprehensive' END AS kind,
         ST_AsMVTGeom(ST_Transform(ST_SimplifyPreserveTopology(g.geometry, @tolerance), 3857), b.env, 4096, 64, true) AS geom
  FROM grids g, b
  WHERE g.valid_from IS NOT NULL AND g.valid_to IS NULL AND g.geometry && b.env4326
    AND ((g.level = 1) OR (g.level = 2 AND @z >= 11) OR (g.level = 3 AND @z >= 13) OR (g.level = 4 AND @z >= 14))
)
SELECT coalesce((SELECT ST_AsMVT(t, 'districts', 4096, 'geom') FROM (SELECT code, name, kind, geom FROM g WHERE level = 1 AND geom IS NOT NULL LIMIT @cap) t), '')
    || coalesce((SELECT ST_AsMVT(t, 'subdistricts', 4096, 'geom') FROM (SELECT code, name, kind, geom FROM g WHERE level = 2 AND geom IS NOT NULL LIMIT @cap) t), '')
    || coalesce((SELECT ST_AsMVT(t, 'communities', 4096, 'geom') FROM (SELECT code, name, kind, geom FROM g WHERE level = 3 AND geom IS NOT NULL LIMIT @cap) t), '')
    || coalesce((SELECT ST_AsMVT(t, 'grids', 4096, 'geom') FROM (SELECT code, name, kind, geom FROM g WHERE level = 4 AND geom IS NOT NULL LIMIT @cap) t), '');
