-- The device registry as ingestion reads it: each device with the place it reports from when its message has none
-- (its own fixed location, else a point on its component).
SELECT d.id, d.gateway_id, d.kind, d.component_code,
       coalesce(ST_X(d.location), ST_X(ST_PointOnSurface(c.geometry))) AS lon,
       coalesce(ST_Y(d.location), ST_Y(ST_PointOnSurface(c.geometry))) AS lat
FROM devices d
LEFT JOIN components c ON c.code = d.component_code;
