-- Cases that crossed into yellow or red since the last sweep: announce each crossing once, by raising the
-- announced colour in the same statement that finds them. Only open cases have crossing instants; the
-- partial indexes on yellow_at and red_at keep this from reading every case.
UPDATE cases c
SET notified_colour = CASE WHEN c.red_at <= @now THEN 3 ELSE 2 END
WHERE (c.red_at <= @now AND c.notified_colour < 3)
   OR (c.yellow_at <= @now AND c.notified_colour < 2)
RETURNING c.number, c.district_code, c.grid_code, c.state, c.notified_colour;
