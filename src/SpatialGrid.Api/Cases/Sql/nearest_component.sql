-- The nearest intact-or-damaged component of a class within a distance (metres, on the ellipsoid), by KNN on the GiST index.
SELECT code FROM components
WHERE class_code = @class AND status IN (1, 2)
  AND ST_DWithin(geometry::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography, @metres)
ORDER BY geometry <-> ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)
LIMIT 1;
