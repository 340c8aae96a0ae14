-- The grids expected to be walked on a day (the grids of the shifts rostered that day, or of one shift; with no
-- roster, every cell of the caller's districts) that nobody visited, with the shifts they belong to.
WITH rostered AS (
    SELECT DISTINCT s.code, s.grids FROM patrol_shifts s JOIN patrol_roster r ON r.shift_code = s.code
    WHERE r.day = @day AND (@shift::text IS NULL OR s.code = @shift)
      AND (cardinality(@scope::text[]) = 0 OR s.district_code = ANY(@scope))
), expected AS (
    SELECT unnest(grids) AS grid_code, code AS shift FROM rostered
    UNION ALL
    SELECT c, NULL FROM unnest(@cells::text[]) AS c
    WHERE NOT EXISTS (SELECT 1 FROM rostered) AND @shift::text IS NULL
      AND (cardinality(@scope::text[]) = 0 OR left(c, 6) = ANY(@scope))
)
SELECT e.grid_code, g.name, coalesce(array_agg(DISTINCT e.shift) FILTER (WHERE e.shift IS NOT NULL), '{}')
FROM expected e
LEFT JOIN grids g ON g.code = e.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
WHERE NOT EXISTS (SELECT 1 FROM patrol_daily d WHERE d.day = @day AND d.grid_code = e.grid_code AND d.seconds > 0)
GROUP BY e.grid_code, g.name
ORDER BY e.grid_code;
