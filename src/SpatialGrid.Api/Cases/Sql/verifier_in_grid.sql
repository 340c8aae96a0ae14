-- Whether a verifier's position lies in (or within the GPS tolerance of) the case's grid.
SELECT EXISTS (
  SELECT 1 FROM grids
  WHERE code = @grid AND valid_from IS NOT NULL AND valid_to IS NULL
    AND ST_DWithin(geometry::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography, @metres));
