-- The confirm and check tasks sent in [@from, @to) that the caller sees (PersonTaskFacts).
SELECT t.case_number, t.kind, t.worker_id, t.sent_by, t.sent_on_time, t.due_at, t.state = 3 AS answered, t.on_time
FROM supervision_tasks t
WHERE t.sent_at >= @from AND t.sent_at < @to
  AND (@all OR coalesce(t.grid_code, t.district_code) LIKE ANY (@scope::text[]));
