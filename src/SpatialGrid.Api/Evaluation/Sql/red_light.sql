-- The district's red-light cases now: open and past a deadline, longest overdue first (as /api/cases/overdue), within the caller's scope.
SELECT c.number, c.class_code, coalesce(c.grid_code, c.district_code), c.unit, c.state, c.reported_at, c.red_at
FROM cases c
WHERE c.district_code = @district AND c.red_at IS NOT NULL AND c.red_at <= @now AND c.state NOT IN (7, 8)
  AND coalesce(c.grid_code, c.district_code) LIKE ANY (@scope::text[])
ORDER BY c.red_at, c.number
LIMIT @limit;
