-- The places an address may name, for AddressMatcher to choose among: roads (the components of class 0201 of one name
-- in one district, merged, standing for the point halfway along them) and the current communities and grids (each
-- standing for a point surely inside it, ST_PointOnSurface). Only names equal to the address, beginning it or begun by
-- it come back, those beginning it first and longest first, so that the cap never drops the best. @address is lower
-- case with single spaces; names are compared in the same form.
WITH named AS (
  SELECT 'road' AS kind, c.name, c.district_code AS code, c.geometry AS g, regexp_replace(lower(btrim(c.name)), '\s+', ' ', 'g') AS n
  FROM components c
  WHERE c.class_code = '0201' AND c.status <> 5 AND ST_Dimension(c.geometry) = 1 AND c.name <> '未命名道路'
  UNION ALL
  SELECT CASE g.level WHEN 3 THEN 'community' ELSE 'grid' END, g.name, g.code, g.geometry, regexp_replace(lower(btrim(g.name)), '\s+', ' ', 'g')
  FROM grids g
  WHERE g.level IN (3, 4) AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
), found AS (
  SELECT kind, name, code, starts_with(@address, n) AS begins, length(n) AS len,
         CASE WHEN kind = 'road' THEN ST_LineMerge(ST_Collect(g)) ELSE ST_PointOnSurface((array_agg(g))[1]) END AS g
  FROM named
  WHERE starts_with(@address, n) OR starts_with(n, @address)
  GROUP BY kind, name, code, n
  ORDER BY begins DESC, CASE WHEN starts_with(@address, n) THEN -length(n) ELSE length(n) END, kind, name, code
  LIMIT @cap
), placed AS (
  SELECT kind, name, code, begins, len,
         CASE WHEN kind <> 'road' THEN g
              WHEN GeometryType(g) = 'LINESTRING' THEN ST_LineInterpolatePoint(g, 0.5)
              ELSE ST_ClosestPoint(g, ST_Centroid(g)) END AS p
  FROM found
)
SELECT kind, name, code, ST_X(p), ST_Y(p) FROM placed
ORDER BY begins DESC, CASE WHEN begins THEN -len ELSE len END, kind, name, code;
