-- Alerts that joined open cases: the count grows and the last alert moves (the case's version does not: a
-- dispatcher acting on it is not refused because a sensor repeated itself). Only open cases are updated: the
-- writer compares the row count with the cases it meant to join, and a case closed meanwhile sends the batch
-- round again.
UPDATE cases
SET alert_count = cases.alert_count + u.n,
    last_alert_at = greatest(coalesce(cases.last_alert_at, cases.reported_at), u.last)
FROM unnest(@ids::bigint[], @counts::int[], @lasts::timestamptz[]) AS u(id, n, last)
WHERE cases.id = u.id AND cases.state NOT IN (7, 8);
