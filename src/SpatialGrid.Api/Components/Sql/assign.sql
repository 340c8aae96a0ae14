-- Links components to the current comprehensive grids they lie in, in one set-based statement.
-- A point gets one grid: the deepest that covers it, interior before border, then the smaller code (the
-- border rule of GridIndex). A line or polygon gets every grid of the deepest level it crosses, with the
-- length (m) or area (m²) inside each, measured in the CGCS2000 Gauss-Krüger zone of its longitude.
-- @all: every component (after a grid version is published); otherwise @ids. Run after assign_clear.sql.
-- The component filter is repeated in each branch on purpose: joined through a shared CTE the planner cannot
-- use the GiST indexes and, misjudging the CTE's size, pairs every grid with every new component (measured:
-- 235 s instead of 14 s for 100,000 points).
WITH point_links AS (
  SELECT DISTINCT ON (c.id) c.id, g.code, g.district_code, NULL::double precision AS measure
  FROM components c
  JOIN grids g ON g.kind = 1 AND g.valid_from IS NOT NULL AND g.valid_to IS NULL AND ST_Covers(g.geometry, c.geometry)
  WHERE (@all OR c.id IN (SELECT unnest(@ids::bigint[]))) AND GeometryType(c.geometry) = 'POINT'
  ORDER BY c.id, length(g.code) DESC, ST_Contains(g.geometry, c.geometry) DESC, g.code
),
shape_parts AS (
  SELECT c.id, g.code, g.district_code, g.level,
         CASE WHEN GeometryType(c.geometry) IN ('LINESTRING', 'MULTILINESTRING')
              THEN ST_Length(ST_Transform(ST_Intersection(c.geometry, g.geometry), 4534 + (round(ST_X(ST_Centroid(c.geometry)) / 3)::int * 3 - 75) / 3))
              ELSE ST_Area(ST_Transform(ST_Intersection(c.geometry, g.geometry), 4534 + (round(ST_X(ST_Centroid(c.geometry)) / 3)::int * 3 - 75) / 3)) END AS measure
  FROM components c
  JOIN grids g ON g.kind = 1 AND g.valid_from IS NOT NULL AND g.valid_to IS NULL AND ST_Intersects(g.geometry, c.geometry)
  WHERE (@all OR c.id IN (SELECT unnest(@ids::bigint[]))) AND GeometryType(c.geometry) <> 'POINT'
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
SET outside = (l.component_id IS NULL)
FROM components t
LEFT JOIN (SELECT DISTINCT component_id FROM linked) l ON l.component_id = t.id
WHERE c.id = t.id AND (@all OR t.id IN (SELECT unnest(@ids::bigint[])));
