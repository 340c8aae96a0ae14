-- Patrols on the map, as of @now: where each active worker was last seen in the past hour (live), the clean tracks of
-- the past two hours (each vertex's time kept as seconds after the track's start, for replay), and per
-- responsibility grid the minutes walked in the past 24 hours (coverage) or nothing at all (unvisited). Only what the
-- caller sees: workers of @districts (empty: every district), grids whose code is LIKE ANY (@scope) (CallerScope).
WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096), 4326) AS env4326),
live AS (
  SELECT k.worker_id AS worker, w.name, w.team_id AS team, k.last_grid AS grid,
         extract(epoch FROM @now - k.last_t)::int AS age_s,
         ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(k.last_lon, k.last_lat), 4326), 3857), b.env, 4096, 64, true) AS geom
  FROM patrol_trackers k JOIN patrol_workers w ON w.id = k.worker_id, b
  WHERE w.active AND k.last_t > @now - interval '1 hour' AND k.last_t <= @now
    AND (cardinality(@districts::text[]) = 0 OR w.district_code = ANY(@districts::text[]))
    AND ST_SetSRID(ST_MakePoint(k.last_lon, k.last_lat), 4326) && b.env4326
),
fixes AS (
  SELECT p.worker_id, p.t, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS pt
  FROM gps_points p, b
  WHERE p.t > @now - interval '2 hours' AND p.t <= @now AND p.flags = 0
    AND (cardinality(@districts::text[]) = 0 OR p.district_code = ANY(@districts::text[]))
    AND p.lon BETWEEN ST_XMin(b.env4326) - 0.01 AND ST_XMax(b.env4326) + 0.01
    AND p.lat BETWEEN ST_YMin(b.env4326) - 0.01 AND ST_YMax(b.env4326) + 0.01
),
tracks AS (
  SELECT f.worker_id AS worker, min(f.t) AS started, max(f.t) AS ended,
         string_agg(extract(epoch FROM f.t - first_t)::int::text, ',' ORDER BY f.t) AS times,
         ST_AsMVTGeom(ST_Transform(ST_MakeLine(f.pt ORDER BY f.t), 3857), b.env, 4096, 64, true) AS geom
  FROM (SELECT *, min(t) OVER (PARTITION BY worker_id) AS first_t FROM fixes) f, b
  GROUP BY f.worker_id, b.env
  HAVING count(*) > 1
),
walked AS (
  SELECT grid_code, sum(seconds) AS seconds, count(DISTINCT worker_id) AS workers
  FROM (
    -- Closed visits are rows of patrol_visits; each worker's open visit is in its tracker's state (left_at null rows
    -- are open visits written by an older version: the tracker has them).
    SELECT grid_code, worker_id, seconds FROM patrol_visits
    WHERE left_at IS NOT NULL AND last_at > @now - interval '24 hours'
      AND (cardinality(@districts::text[]) = 0 OR district_code = ANY(@districts::text[]))
    UNION ALL
    SELECT k.state #>> '{open,gridCode}', k.worker_id, (k.state #>> '{open,seconds}')::float8 FROM patrol_trackers k
    WHERE k.state #>> '{open,gridCode}' IS NOT NULL AND (k.state #>> '{open,lastAt}')::timestamptz > @now - interval '24 hours'
      AND (cardinality(@districts::text[]) = 0 OR k.district_code = ANY(@districts::text[]))
  ) v
  GROUP BY grid_code
),
cells AS (
  SELECT g.code, g.name, coalesce(round(w.seconds / 60)::int, 0) AS minutes, coalesce(w.workers, 0)::int AS workers,
         ST_AsMVTGeom(ST_Transform(ST_SimplifyPreserveTopology(g.geometry, @tolerance), 3857), b.env, 4096, 64, true) AS geom
  FROM grids g LEFT JOIN walked w ON w.grid_code = g.code, b
  WHERE g.valid_from IS NOT NULL AND g.valid_to IS NULL AND g.level = 4 AND g.kind = 1 AND g.geometry && b.env4326
    AND g.code LIKE ANY (@scope::text[])
)
SELECT coalesce((SELECT ST_AsMVT(t, 'live', 4096, 'geom') FROM (SELECT * FROM live WHERE geom IS NOT NULL LIMIT @cap) t), '')
    || coalesce((SELECT ST_AsMVT(t, 'tracks', 4096, 'geom') FROM (SELECT worker, started::text, ended::text, times, geom FROM tracks WHERE geom IS NOT NULL LIMIT @cap) t), '')
    || coalesce((SELECT ST_AsMVT(t, 'coverage', 4096, 'geom') FROM (SELECT code, name, minutes, workers, geom FROM cells WHERE minutes > 0 AND geom IS NOT NULL LIMIT @cap) t), '')
    || coalesce((SELECT ST_AsMVT(t, 'unvisited', 4096, 'geom') FROM (SELECT code, name, geom FROM cells WHERE minutes = 0 AND geom IS NOT NULL LIMIT @cap) t), '');
