-- Tile of the components (not removed): points from zoom 15, lines and polygons from zoom 13.
WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS env4326)
SELECT coalesce((SELECT ST_AsMVT(t, 'components', 4096, 'geom') FROM (
  SELECT c.code, c.class_code AS class, c.name,
         CASE c.status WHEN 1 THEN 'intact' WHEN 2 THEN 'damaged' WHEN 3 THEN 'lost' WHEN 4 THEN 'abandoned' ELSE 'removed' END AS status,
         ST_AsMVTGeom(ST_Transform(c.geometry, 3857), b.env, 4096, 64, true) AS geom
  FROM components c, b
  WHERE c.status <> 5 AND c.class_code <> '0201' AND c.geometry && b.env4326
    AND (@z >= 15 OR (@z >= 13 AND GeometryType(c.geometry) <> 'POINT'))
  LIMIT @cap) t WHERE geom IS NOT NULL), '');
