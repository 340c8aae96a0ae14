-- One worker's local day from the roll-up: each grid with time and distance, and whether it is a grid of a shift the
-- worker was rostered on for that day — a shift of the day itself, or the night shift of the day before that runs past
-- midnight (17:00-01:00 is walked on two calendar days). The roll-up has no time of day, so a grid of yesterday's night
-- shift walked this afternoon also counts as in shift.
SELECT d.grid_code, g.name, d.seconds, d.metres,
       EXISTS (SELECT 1 FROM patrol_roster r JOIN patrol_shifts s ON s.code = r.shift_code
               WHERE r.worker_id = d.worker_id AND d.grid_code = ANY(s.grids)
                 AND (r.day = d.day OR (r.day = d.day - 1 AND s.ends <= s.starts)))
FROM patrol_daily d
LEFT JOIN grids g ON g.code = d.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
WHERE d.worker_id = @w AND d.day = @day
ORDER BY d.seconds DESC;
