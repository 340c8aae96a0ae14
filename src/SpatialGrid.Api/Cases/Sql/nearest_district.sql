-- The current district nearest to a point outside every grid: its centre receives the case (属地兜底).
SELECT code FROM grids
WHERE level = 1 AND kind = 1 AND valid_from IS NOT NULL AND valid_to IS NULL
ORDER BY geometry <-> ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)
LIMIT 1;
