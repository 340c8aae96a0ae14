-- Adds one write's walking to the daily roll-up per local day, grid and worker.
INSERT INTO patrol_daily AS p (day, district_code, grid_code, worker_id, seconds, metres, first_at, last_at)
SELECT * FROM unnest(@day::date[], @district::text[], @grid::text[], @worker::text[], @seconds::float8[], @metres::float8[],
                     @first::timestamptz[], @last::timestamptz[])
ON CONFLICT (day, district_code, grid_code, worker_id) DO UPDATE
SET seconds = p.seconds + excluded.seconds, metres = p.metres + excluded.metres,
    first_at = least(p.first_at, excluded.first_at), last_at = greatest(p.last_at, excluded.last_at);
