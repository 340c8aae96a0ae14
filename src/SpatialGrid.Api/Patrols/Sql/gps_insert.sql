-- Staged fixes into their daily partitions; a (worker, t) already stored is absorbed. Returns what was stored now.
INSERT INTO gps_points (district_code, worker_id, t, lon, lat, accuracy, speed, heading, battery, flags, gateway_id, received_at)
SELECT district_code, worker_id, t, lon, lat, accuracy, speed, heading, battery, flags, gateway_id, received_at FROM gps_in
ON CONFLICT DO NOTHING
RETURNING worker_id, t;
