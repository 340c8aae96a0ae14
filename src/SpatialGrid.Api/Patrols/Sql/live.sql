-- Each active worker's last clean fix and its grid; with on_shift, only those rostered on a shift running now
-- (a shift whose end is before its start runs past midnight: yesterday's roster still holds until it ends).
SELECT k.worker_id, w.name, w.team_id, k.last_t, k.last_lon, k.last_lat, k.last_grid
FROM patrol_trackers k
JOIN patrol_workers w ON w.id = k.worker_id
WHERE w.active
  AND (cardinality(@scope::text[]) = 0 OR w.district_code = ANY(@scope))
  AND (NOT @on_shift OR EXISTS (
        SELECT 1 FROM patrol_roster r JOIN patrol_shifts s ON s.code = r.shift_code
        WHERE r.worker_id = w.id
          AND ((r.day = @today AND ((s.starts <= s.ends AND @now_time >= s.starts AND @now_time < s.ends)
                                    OR (s.starts > s.ends AND @now_time >= s.starts)))
               OR (r.day = @today - 1 AND s.starts > s.ends AND @now_time < s.ends))))
ORDER BY k.worker_id;
