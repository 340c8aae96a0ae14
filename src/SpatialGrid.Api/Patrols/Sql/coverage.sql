-- Per grid on one local day, from the daily roll-up (never from the raw fixes): time, distance, distinct workers,
-- first and last visit; filtered by grid prefix, team and the grids of a shift. Last: the road stretches walked in the
-- grid that day by anyone (patrol_road_walked).
WITH walked AS (SELECT grid_code, count(*)::int AS n FROM patrol_road_walked WHERE day = @day GROUP BY grid_code)
SELECT d.grid_code, g.name, sum(d.seconds), sum(d.metres), count(DISTINCT d.worker_id)::int, min(d.first_at), max(d.last_at),
       coalesce(max(wk.n), 0)
FROM patrol_daily d
JOIN patrol_workers w ON w.id = d.worker_id
LEFT JOIN grids g ON g.code = d.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
LEFT JOIN walked wk ON wk.grid_code = d.grid_code
WHERE d.day = @day
  AND (cardinality(@scope::text[]) = 0 OR d.district_code = ANY(@scope))
  AND (@grid::text IS NULL OR starts_with(d.grid_code, @grid))
  AND (@team::text IS NULL OR w.team_id = @team)
  AND (@shift::text IS NULL OR d.grid_code = ANY(ARRAY(SELECT unnest(grids) FROM patrol_shifts WHERE code = @shift)))
GROUP BY d.grid_code, g.name
ORDER BY d.grid_code;
