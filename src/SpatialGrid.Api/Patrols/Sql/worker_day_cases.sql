-- Cases a worker reported and verified within a local day [@from, @to): the case history records who acted by the
-- name of the API client, which a patrol phone's key carries as the worker id.
SELECT (SELECT count(*) FROM cases WHERE reported_by = @w AND reported_at >= @from AND reported_at < @to)::int,
       (SELECT count(*) FROM case_events WHERE by = @w AND action = 'verify' AND at >= @from AND at < @to)::int;
