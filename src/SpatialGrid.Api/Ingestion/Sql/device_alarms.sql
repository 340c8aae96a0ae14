-- A device whose alert opened a case is in alarm until that case is verified.
UPDATE devices SET alarm_case_id = u.c
FROM unnest(@devices::text[], @cases::bigint[]) AS u(d, c)
WHERE devices.id = u.d AND devices.alarm_case_id IS NULL;
