-- Links components to the current comprehensive grids they lie in, in one set-based statement.
-- A point gets one grid: the deepest that covers it, interior before border, then the smaller code (the
-- border rule of GridIndex). A line or polygon gets every grid of the deepest level it crosses, with the
-- length (m) or area (m²) inside each, measured in the CGCS2000 Gauss-Krüger zone of its longitude.
-- @all: every component (after a grid version is published); otherwise @ids. Run after assign_clear.sql.
WITH target AS (
  SELECT c.id, c.geometry, GeometryType(c.geometry) AS gtype,
         4534 + (round(ST_X(ST_Centroid(c.geometry)) / 3)::int * 3 - 75) / 3 AS zone
  FROM components c
  WHERE @all OR c.id = ANY(@ids)
),
point_links AS (
  SELECT DISTINCT ON (t.id) t.id, g.code, g.district_code, NULL::double precision AS measure
  FROM target t
  JOIN grids g ON g.kind = 1 AND g.valid_from IS NOT NULL AND g.valid_to IS NULL AND ST_Covers(g.geometry, t.geometry)
  WHERE t.gtype = 'POINT'
  ORDER BY t.id, length(g.code) DESC, ST_Contains(g.geometry, t.geometry) DESC, g.code
),
shape_parts AS (
  SELECT t.id, g.code, g.district_code, g.level,
         CASE WHEN t.gtype IN ('LINESTRING', 'MULTILINESTRING')
              THEN ST_Length(ST_Transform(ST_Intersection(t.geometry, g.geometry), t.zone))
              ELSE ST_Area(ST_Transform(ST_Intersection(t.geometry, g.geometry), t.zone)) END AS measure
  FROM target t
  JOIN grids g ON g.kind = 1 AND g.valid_from IS NOT NULL AND g.valid_to IS NULL AND ST_Intersects(g.geometry, t.geometry)
  WHERE t.gtype <> 'POINT'
),
shape_links AS (
  SELECT id, code, district_code, round(measure::numeric, 2)::double precision AS measure
  FROM (SELECT p.*, max(level) FILTER (WHERE measure > 0) OVER (PARTITION BY id) AS deepest FROM shape_parts p) x
  WHERE level = deepest AND measure > 0
),
linked AS (
  INSERT INTO component_grids (component_id, grid_code, district_code, measure)
  SELECT id, code, district_code, measure FROM point_links
  UNION ALL
  SELECT id, code, district_code, measure FROM shape_links
  RETURNING component_id
)
UPDATE components c
SET outside = NOT EXISTS (SELECT 1 FROM linked l WHERE l.component_id = c.id)
FROM target t
WHERE c.id = t.id;
