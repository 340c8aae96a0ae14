-- The places an address may name, for AddressMatcher to choose among: roads (components of class 0201) and the
-- current communities and grids. Only names equal to the address, beginning it or begun by it come back, those
-- beginning it first and longest first, so that the cap never drops the best. @address is lower case with single
-- spaces; names are compared in the same form.
-- A road is the segments of one name lying within about 200 m of each other (OpenStreetMap splits a road into many
-- ways, and a dual carriageway into two; two far-apart roads of one name are two places, and one road crossing a
-- district border is one), merged and standing for the point halfway along them. An area stands for a point surely
-- inside it (ST_PointOnSurface).
WITH road_parts AS (
  SELECT * FROM (
    SELECT c.name, c.district_code, c.geometry AS g, regexp_replace(lower(btrim(c.name)), '\s+', ' ', 'g') AS n
    FROM components c
    WHERE c.class_code = '0201' AND c.status <> 5 AND ST_Dimension(c.geometry) = 1 AND c.name <> '未命名道路') r
  WHERE starts_with(@address, n) OR starts_with(n, @address)
), roads AS (
  SELECT min(name) AS name, n, string_agg(DISTINCT district_code, ',' ORDER BY district_code) AS code, ST_LineMerge(ST_Collect(g)) AS g
  FROM (SELECT *, ST_ClusterDBSCAN(g, eps := 0.002, minpoints := 1) OVER (PARTITION BY n) AS part FROM road_parts) clustered
  GROUP BY n, part
), areas AS (
  SELECT * FROM (
    SELECT CASE g.level WHEN 3 THEN 'community' ELSE 'grid' END AS kind, g.name, g.code, g.geometry AS g,
           regexp_replace(lower(btrim(g.name)), '\s+', ' ', 'g') AS n
    FROM grids g
    WHERE g.level IN (3, 4) AND g.valid_from IS NOT NULL AND g.valid_to IS NULL) a
  WHERE starts_with(@address, n) OR starts_with(n, @address)
), found AS (
  SELECT 'road' AS kind, name, code, n, g FROM roads
  UNION ALL
  SELECT kind, name, code, n, g FROM areas
), ranked AS (
  SELECT *, starts_with(@address, n) AS begins FROM found
  ORDER BY begins DESC, CASE WHEN starts_with(@address, n) THEN -length(n) ELSE length(n) END, kind, name, code
  LIMIT @cap
)
SELECT kind, name, code, ST_X(p), ST_Y(p) FROM (
  SELECT kind, name, code, begins, n,
         CASE WHEN kind <> 'road' THEN ST_PointOnSurface(g)
              WHEN GeometryType(g) = 'LINESTRING' THEN ST_LineInterpolatePoint(g, 0.5)
              ELSE ST_ClosestPoint(g, ST_Centroid(g)) END AS p
  FROM ranked) placed
ORDER BY begins DESC, CASE WHEN begins THEN -length(n) ELSE length(n) END, kind, name, code, ST_X(p), ST_Y(p);
