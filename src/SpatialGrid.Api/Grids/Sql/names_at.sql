-- Names and levels of the grids on a path, as they were at a moment.
SELECT g.code, g.name, g.level
FROM grids g
WHERE g.code = ANY(@codes)
  AND g.valid_from IS NOT NULL AND g.valid_from <= @at
  AND (g.valid_to IS NULL OR g.valid_to > @at);
