-- Open cases as points with their colour now (from the stored crossing instants and @now), class, state and number;
-- only those the caller sees (@scope: CallerScope.Patterns, '%' for the whole city).
WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS env4326)
SELECT coalesce((SELECT ST_AsMVT(t, 'cases', 4096, 'geom') FROM (
  SELECT c.number, c.class_code AS class,
         (ARRAY['reported','accepted','dispatched','on-scene','handled','verified','closed','rejected','escalated','carried-over'])[c.state] AS state,
         CASE WHEN c.red_at <= @now THEN 'red' WHEN c.yellow_at <= @now THEN 'yellow' ELSE 'green' END AS colour,
         ST_AsMVTGeom(ST_Transform(c.location, 3857), b.env, 4096, 64, true) AS geom
  FROM cases c, b
  WHERE c.state NOT IN (7, 8) AND c.location && b.env4326
    AND coalesce(c.grid_code, c.district_code) LIKE ANY (@scope::text[])
  LIMIT @cap) t WHERE geom IS NOT NULL), '');
