-- What the role indicators read of the cases reported in [@from, @to) that the caller sees (PersonCaseFacts).
SELECT c.number, c.grid_code, c.source, c.state, c.reported_at, c.reporter_worker, c.reported_by, c.accepted_at, c.accepted_by,
       c.dispatch_due, c.first_dispatched_at, c.dispatched_by, c.dispatch_count, c.return_count, c.closed_at, c.closed_by, c.close_due
FROM cases c
WHERE c.reported_at >= @from AND c.reported_at < @to
  AND (@all OR coalesce(c.grid_code, c.district_code) LIKE ANY (@scope::text[]));
