-- The supervisors who may get a task in @grid now: active patrol workers (grid workers and supervisors) of the district
-- rostered on a shift that runs now (local @today/@now_time; a shift ending before it starts runs past midnight) and lists
-- the grid; with the distance of their last live fix (fresher than @fresh_minutes) to the case, null without one.
SELECT w.id,
       CASE WHEN k.last_t >= @now - make_interval(mins => @fresh_minutes)
            THEN ST_Distance(ST_SetSRID(ST_MakePoint(k.last_lon, k.last_lat), 4326)::geography,
                             ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography) END AS metres
FROM patrol_workers w
LEFT JOIN patrol_trackers k ON k.worker_id = w.id
WHERE w.active AND w.district_code = @district AND w.role IN ('grid-worker', 'supervisor')
  AND EXISTS (
        SELECT 1 FROM patrol_roster r JOIN patrol_shifts s ON s.code = r.shift_code
        WHERE r.worker_id = w.id AND @grid = ANY (s.grids)
          AND ((r.day = @today AND ((s.starts <= s.ends AND @now_time >= s.starts AND @now_time < s.ends)
                                    OR (s.starts > s.ends AND @now_time >= s.starts)))
               OR (r.day = @today - 1 AND s.starts > s.ends AND @now_time < s.ends)));
