-- The cases reported in [@from, @to) that the caller sees, read once for both sides of a review: what the area and
-- unit indicators are judged on (SpatialGrid.Core.Evaluation.CaseFacts) and what the role indicators read
-- (PersonCaseFacts). @all: the caller sees the whole city (the planner drops the scope's test, a LIKE per row).
-- extended: carried over (挂账) at least once, read from the case's own history.
SELECT c.number, c.district_code, c.grid_code, c.unit, c.state, c.reported_at, c.accepted_at, c.handled_at, c.feedback_due,
       c.closed_at, c.close_due, c.rework_count,
       EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'carry-over') AS extended,
       c.source, c.reporter_worker, c.reported_by, c.accepted_by, c.dispatch_due, c.first_dispatched_at, c.dispatched_by,
       c.dispatch_count, c.return_count, c.closed_by
FROM cases c
WHERE c.reported_at >= @from AND c.reported_at < @to
  AND (@all OR coalesce(c.grid_code, c.district_code) LIKE ANY (@scope::text[]));
