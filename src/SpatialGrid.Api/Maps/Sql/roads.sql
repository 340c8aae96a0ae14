-- The base map: the road components (class 0201) with their names, simplified to the tile's pixel size.
WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS env4326)
SELECT coalesce((SELECT ST_AsMVT(t, 'roads', 4096, 'geom') FROM (
  SELECT c.code, c.name, c.attributes ->> 'osm_highway' AS highway,
         ST_AsMVTGeom(ST_Transform(ST_Simplify(c.geometry, @tolerance), 3857), b.env, 4096, 64, true) AS geom
  FROM components c, b
  WHERE c.class_code = '0201' AND c.status <> 5 AND c.geometry && b.env4326
  LIMIT @cap) t WHERE geom IS NOT NULL), '');
