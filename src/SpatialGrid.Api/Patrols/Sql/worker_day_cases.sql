-- Cases a worker reported from the field (cases.reporter_worker) and verified (the case history's actor, the name of
-- the API client, which a patrol phone's key carries as the worker id) within a local day [@from, @to).
SELECT (SELECT count(*) FROM cases WHERE reporter_worker = @w AND reported_at >= @from AND reported_at < @to)::int,
       (SELECT count(*) FROM case_events WHERE by = @w AND action = 'verify' AND at >= @from AND at < @to)::int;
