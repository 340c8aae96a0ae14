-- Confirm and check tasks the caller sees (by the case's grid, or its district outside every grid), newest first.
SELECT t.id, t.kind, t.state, t.case_number, t.district_code, t.grid_code, t.worker_id, t.sent_by, t.sent_at, t.yellow_at, t.due_at,
       t.reroutes, t.answered_at, t.answered_by, t.outcome, t.on_time, count(*) OVER () AS total
FROM supervision_tasks t
WHERE coalesce(t.grid_code, t.district_code) LIKE ANY (@scope::text[])
  AND (@worker::text IS NULL OR t.worker_id = @worker::text)
  AND (@state::smallint IS NULL OR t.state = @state::smallint)
  AND (@kind::smallint IS NULL OR t.kind = @kind::smallint)
  AND (@case::text IS NULL OR t.case_number = @case::text)
  AND (@grid::text IS NULL OR coalesce(t.grid_code, t.district_code) LIKE @grid::text || '%')
ORDER BY t.sent_at DESC, t.id DESC
LIMIT @limit OFFSET @offset;
