-- A field reporter: one row when the worker is active, with their clean fix nearest in time to the report within
-- 10 minutes either side (null columns when there is none). Reads the patrols' tables; the daily partitions and
-- the key (district, worker, t) keep it to an index range. A worker outside the caller's districts (@districts, empty:
-- every district) is not found, as if unknown.
SELECT f.t, f.lon, f.lat
FROM patrol_workers w
LEFT JOIN LATERAL (
    SELECT p.t, p.lon, p.lat FROM gps_points p
    WHERE p.district_code = w.district_code AND p.worker_id = w.id AND p.flags = 0
      AND p.t BETWEEN @at - interval '10 minutes' AND @at + interval '10 minutes'
    ORDER BY abs(extract(epoch FROM p.t - @at)) LIMIT 1) f ON true
WHERE w.id = @worker AND w.active AND (cardinality(@districts::text[]) = 0 OR w.district_code = ANY(@districts));
