-- Open cases of the given classes in the given grids (ix_cases_open_grid_class), for the alerts whose device has
-- no open case of its own: an alert of the same class nearby joins one of them.
-- Closed (7) and rejected (8) cases take no more alerts.
SELECT id, grid_code, class_code, device_id, alert_type, ST_X(location), ST_Y(location), coalesce(last_alert_at, reported_at)
FROM cases
WHERE state NOT IN (7, 8)
  AND grid_code = ANY(@grids::text[]) AND class_code = ANY(@classes::text[]);
