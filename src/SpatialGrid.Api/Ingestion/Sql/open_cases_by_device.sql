-- Open cases of a batch's devices (ix_cases_open_device): a device repeating itself joins its case.
-- Closed (7) and rejected (8) cases take no more alerts.
SELECT id, grid_code, class_code, device_id, alert_type, ST_X(location), ST_Y(location), coalesce(last_alert_at, reported_at)
FROM cases
WHERE state NOT IN (7, 8) AND device_id = ANY(@devices::text[]);
