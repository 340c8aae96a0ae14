-- Serialises alert writers of every instance per district while alerts are checked against stored ones and
-- matched to open cases. @districts comes sorted, so two writers always lock in the same order.
SELECT count(pg_advisory_xact_lock(hashtextextended('spatialgrid.alerts.' || d, 0))) FROM unnest(@districts::text[]) AS d;
