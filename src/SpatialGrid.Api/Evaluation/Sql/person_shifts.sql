-- The rostered shifts of the period's days (and the day before, for a night shift running into the period) in the caller's
-- districts, as local day, start, end and grids; the API turns them into instants (ShiftSpan).
SELECT r.worker_id, r.day, s.starts, s.ends, s.grids
FROM patrol_roster r
JOIN patrol_shifts s ON s.code = r.shift_code
JOIN patrol_workers w ON w.id = r.worker_id
WHERE r.day BETWEEN @first AND @last
  AND (cardinality(@districts::text[]) = 0 OR w.district_code = ANY (@districts));
