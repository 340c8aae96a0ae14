-- Patrol tracks as OGC API features (Ogc/OgcSqlCollection wraps this query): one per worker and local day (@utc_offset
-- from UTC), the day's clean fixes (flags = 0) as lines, a new line after every gap longer than @gap (the stretch in
-- between was not walked; a line of one fix is no line). Only the workers of @districts (CallerScope.Districts, empty:
-- every district: patrols are kept per district). With @timed, the days whose walk meets @from..@to (a null end is
-- open); the fixes are read from the days that can (@scan_from..@scan_to), so that only their partitions are read.
WITH f AS (
  SELECT p.district_code, p.worker_id, (p.t AT TIME ZONE 'UTC' + @utc_offset)::date AS day, p.t,
         ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS pt
  FROM gps_points p
  WHERE p.flags = 0
    AND (cardinality(@districts::text[]) = 0 OR p.district_code = ANY (@districts::text[]))
    AND (NOT @timed OR ((@scan_from::timestamptz IS NULL OR p.t >= @scan_from) AND (@scan_to::timestamptz IS NULL OR p.t < @scan_to)))
),
numbered AS (
  SELECT f.*, count(*) FILTER (WHERE gap) OVER (PARTITION BY worker_id, day ORDER BY t) AS trip
  FROM (SELECT f.*, coalesce(t - lag(t) OVER (PARTITION BY worker_id, day ORDER BY t) > @gap, false) AS gap FROM f) f
),
trips AS (
  SELECT district_code, worker_id, day, min(t) AS started, max(t) AS ended, count(*) AS fixes, ST_MakeLine(pt ORDER BY t) AS line
  FROM numbered GROUP BY district_code, worker_id, day, trip
)
SELECT to_char(t.day, 'YYYY-MM-DD') || '_' || t.worker_id AS id, t.worker_id AS worker, w.name AS worker_name, t.district_code AS district,
       t.day, min(t.started) AS started, max(t.ended) AS ended, sum(t.fixes)::int AS fixes,
       count(*) FILTER (WHERE t.fixes > 1)::int AS trips,
       round(sum(ST_Length(t.line::geography)) FILTER (WHERE t.fixes > 1))::int AS metres,
       ST_Multi(ST_Collect(t.line ORDER BY t.started) FILTER (WHERE t.fixes > 1)) AS geometry
FROM trips t LEFT JOIN patrol_workers w ON w.id = t.worker_id
GROUP BY t.district_code, t.worker_id, w.name, t.day
HAVING count(*) FILTER (WHERE t.fixes > 1) > 0
   AND (NOT @timed OR ((@from::timestamptz IS NULL OR max(t.ended) >= @from) AND (@to::timestamptz IS NULL OR min(t.started) <= @to)))
