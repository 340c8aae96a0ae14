-- Which comprehensive grid held a point at a moment (history is answered by PostGIS, the present by memory).
-- Same border rule as GridIndex: deepest level first, an interior hit before a border hit, then the smaller code.
SELECT g.code
FROM grids g
WHERE g.kind = 1
  AND g.valid_from IS NOT NULL AND g.valid_from <= @at
  AND (g.valid_to IS NULL OR g.valid_to > @at)
  AND ST_Covers(g.geometry, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326))
ORDER BY length(g.code) DESC,
         ST_Contains(g.geometry, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)) DESC,
         g.code
LIMIT 1;
