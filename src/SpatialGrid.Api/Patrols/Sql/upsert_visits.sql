-- Visits closed by one write (the open one stays in its tracker's state until it closes). A row of the same worker and
-- entry time is replaced: a visit closed at the instant it began, or an open visit written by an older version.
INSERT INTO patrol_visits AS v (district_code, worker_id, grid_code, entered_at, left_at, last_at, seconds, metres)
SELECT d, w, g, e, l, la, s, m
FROM unnest(@district::text[], @worker::text[], @grid::text[], @entered::timestamptz[], @left::timestamptz[], @last::timestamptz[],
            @seconds::float8[], @metres::float8[]) AS x(d, w, g, e, l, la, s, m)
ON CONFLICT (district_code, worker_id, entered_at) DO UPDATE
SET grid_code = excluded.grid_code, left_at = excluded.left_at, last_at = excluded.last_at,
    seconds = excluded.seconds, metres = excluded.metres;
