-- Open cases a batch's alerts may join: those of its devices (ix_cases_open_device) and those of its classes in
-- its grids (ix_cases_open_grid_class). Closed (7) and rejected (8) cases take no more alerts.
SELECT id, grid_code, class_code, device_id, alert_type, ST_X(location), ST_Y(location), coalesce(last_alert_at, reported_at)
FROM cases
WHERE state NOT IN (7, 8)
  AND (device_id = ANY(@devices::text[])
       OR (grid_code = ANY(@grids::text[]) AND class_code = ANY(@classes::text[])));
