-- Open cases as points with their colour now (from the stored crossing instants and @now), class, state and number;
-- only those the caller sees (@scope: CallerScope.Patterns, '%' for the whole city). Below zoom 15 cases that fall in
-- the same 32-pixel square of the tile are one point with their count and the worst colour among them (a cluster the
-- map labels with the count); a square holding one case is that case, with its number, as at zoom 15 and beyond.
WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS env4326),
open_cases AS (
  SELECT c.number, c.class_code, c.state, ST_Transform(c.location, 3857) AS geom,
         CASE WHEN c.red_at <= @now THEN 2 WHEN c.yellow_at <= @now THEN 1 ELSE 0 END AS urgency
  FROM cases c, b
  WHERE c.state NOT IN (7, 8) AND c.location && b.env4326
    AND coalesce(c.grid_code, c.district_code) LIKE ANY (@scope::text[])
  LIMIT @cap),
-- The square of each case: the whole tile is 16 × 16 squares below zoom 15, and every case its own square from 15 on.
binned AS (
  SELECT o.*, CASE WHEN @z < 15 THEN floor((ST_X(o.geom) - ST_XMin(b.env)) / ((ST_XMax(b.env) - ST_XMin(b.env)) / 16)) END AS bx,
         CASE WHEN @z < 15 THEN floor((ST_Y(o.geom) - ST_YMin(b.env)) / ((ST_YMax(b.env) - ST_YMin(b.env)) / 16)) END AS by
  FROM open_cases o, b),
grouped AS (
  SELECT count(*) AS count, max(urgency) AS urgency,
         CASE WHEN count(*) = 1 THEN min(number) END AS number, CASE WHEN count(*) = 1 THEN min(class_code) END AS class,
         CASE WHEN count(*) = 1 THEN min(state) END AS state,
         CASE WHEN count(*) = 1 THEN ST_Collect(geom) ELSE ST_Centroid(ST_Collect(geom)) END AS geom
  FROM binned GROUP BY bx, by, CASE WHEN bx IS NULL THEN number END)
SELECT coalesce((SELECT ST_AsMVT(t, 'cases', 4096, 'geom') FROM (
  SELECT g.number, g.class, g.count,
         (ARRAY['reported','accepted','dispatched','on-scene','handled','verified','closed','rejected','escalated','carried-over'])[g.state] AS state,
         (ARRAY['green','yellow','red'])[g.urgency + 1] AS colour,
         ST_AsMVTGeom(ST_GeometryN(g.geom, 1), b.env, 4096, 64, true) AS geom
  FROM grouped g, b) t WHERE geom IS NOT NULL), '');
