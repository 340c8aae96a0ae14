-- The case measures of the standards, per group (@by picks the key), for cases reported in [@from, @to).
-- Counts only: the API turns them into rates, so an empty denominator is shown as "no data", never as 0 %.
--   on-time acceptance = accepted within the dispatch limit / accepted
--   accurate dispatch  = (dispatches - returned dispatches) / dispatches
--   (on-time) handling = (on time) handled / cases whose feedback was due by @now or handled
--   (on-time) closure  = (on time) closed / cases whose closing was due by @now or closed (rejected ones excluded)
--   first contact      = public reports (resident, hotline) accepted within the dispatch limit / public reports
WITH scoped AS (
  SELECT c.*, coalesce(c.grid_code, c.district_code) AS place
  FROM cases c
  WHERE c.reported_at >= @from AND c.reported_at < @to
    AND coalesce(c.grid_code, c.district_code) LIKE ANY (@scope::text[])
)
SELECT CASE @by
         WHEN 'district' THEN left(place, 6)
         WHEN 'subdistrict' THEN left(place, 9)
         WHEN 'community' THEN left(place, 12)
         WHEN 'grid' THEN place
         WHEN 'unit' THEN unit
         WHEN 'class' THEN class_code
         WHEN 'acceptor' THEN accepted_by
         WHEN 'dispatcher' THEN dispatched_by
         WHEN 'closer' THEN closed_by
         ELSE source::text END AS key,
       count(*) AS cases,
       count(*) FILTER (WHERE accepted_at IS NOT NULL) AS accepted,
       count(*) FILTER (WHERE accepted_at <= dispatch_due) AS accepted_on_time,
       count(*) FILTER (WHERE first_dispatched_at IS NOT NULL) AS dispatched,
       count(*) FILTER (WHERE first_dispatched_at <= dispatch_due) AS dispatched_on_time,
       coalesce(sum(dispatch_count), 0) AS dispatches,
       coalesce(sum(return_count), 0) AS returns,
       count(*) FILTER (WHERE state <> 8 AND (handled_at IS NOT NULL OR feedback_due <= @now)) AS handling_due,
       count(*) FILTER (WHERE handled_at IS NOT NULL) AS handled,
       count(*) FILTER (WHERE handled_at <= feedback_due) AS handled_on_time,
       count(*) FILTER (WHERE state <> 8 AND (state = 7 OR close_due <= @now)) AS closing_due,
       count(*) FILTER (WHERE state = 7) AS closed,
       count(*) FILTER (WHERE state = 7 AND closed_at <= close_due) AS closed_on_time,
       count(*) FILTER (WHERE state = 7 AND closed_at > close_due) AS closed_overdue,
       coalesce(sum(rework_count), 0) AS reworks,
       count(*) FILTER (WHERE rework_count > 0 AND state = 7) AS reworked_closed,
       avg(extract(epoch FROM closed_at - reported_at) / 3600) FILTER (WHERE state = 7) AS avg_hours,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - reported_at) / 3600) FILTER (WHERE state = 7) AS p50_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - reported_at) / 3600) FILTER (WHERE state = 7) AS p90_hours,
       count(*) FILTER (WHERE source IN (4, 5)) AS public_reports,
       count(*) FILTER (WHERE source IN (4, 5) AND accepted_at <= dispatch_due) AS public_contacted_on_time,
       count(*) FILTER (WHERE source IN (1, 6)) AS found_by_patrol,
       avg(satisfaction)::double precision AS satisfaction,
       count(satisfaction) AS rated,
       count(*) FILTER (WHERE state NOT IN (7, 8) AND red_at <= @now) AS red_now
FROM scoped
GROUP BY 1
ORDER BY 1;
