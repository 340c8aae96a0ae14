-- Where each worker's walk stands after one write, and the newest fix stored for the worker (null: none this write).
INSERT INTO patrol_trackers AS k (worker_id, district_code, last_t, last_lon, last_lat, last_grid, state, stored_until, updated_at)
SELECT w, d, t, x, y, g, s, su, now()
FROM unnest(@worker::text[], @district::text[], @t::timestamptz[], @lon::float8[], @lat::float8[], @grid::text[], @state::jsonb[],
            @stored::timestamptz[]) AS u(w, d, t, x, y, g, s, su)
ON CONFLICT (worker_id) DO UPDATE
SET district_code = excluded.district_code, last_t = excluded.last_t, last_lon = excluded.last_lon, last_lat = excluded.last_lat,
    last_grid = excluded.last_grid, state = excluded.state, stored_until = greatest(k.stored_until, excluded.stored_until),
    updated_at = now();
