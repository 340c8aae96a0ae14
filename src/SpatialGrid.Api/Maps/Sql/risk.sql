-- Hotspot risk per responsibility grid from the newest scoring (the newest model of the latest scored day): expected
-- cases, expected cases per km² (what the colour follows) and the rank among all grids; simplified to the tile's pixel size;
-- only the grids the caller sees (@scope: CallerScope.Patterns, '%' for the whole city).
WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS env4326),
m AS (SELECT version, scored_day FROM risk_models ORDER BY scored_day DESC, version DESC LIMIT 1),
r AS (
  SELECT s.grid_code AS code, g.name, round(s.expected::numeric, 4)::double precision AS expected,
         round(s.per_km2::numeric, 3)::double precision AS per_km2, s.rank, m.scored_day::text AS day,
         ST_AsMVTGeom(ST_Transform(ST_SimplifyPreserveTopology(g.geometry, @tolerance), 3857), b.env, 4096, 64, true) AS geom
  FROM m JOIN risk_scores s ON s.model_version = m.version AND s.day = m.scored_day
  JOIN grids g ON g.code = s.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL, b
  WHERE g.geometry && b.env4326 AND s.grid_code LIKE ANY (@scope::text[])
)
SELECT coalesce((SELECT ST_AsMVT(t, 'risk', 4096, 'geom') FROM (SELECT code, name, expected, per_km2, rank, day, geom FROM r WHERE geom IS NOT NULL ORDER BY rank LIMIT @cap) t), '');
