-- Cases as OGC API features (Ogc/OgcSqlCollection wraps this query): only the caller's (@scope: CallerScope.Patterns,
-- '%' for the whole city), reported within @from..@to when @timed (a null end is open), each with its colour as of
-- @now (as the map's tiles compute it) and the names of its state, source and kind (@states, @sources, @kinds: the
-- names indexed by the stored numbers, from Core's enums).
SELECT c.number AS id, c.number, (@states::text[])[c.state] AS state, c.class_code AS class,
       CASE WHEN c.red_at <= @now THEN 'red' WHEN c.yellow_at <= @now THEN 'yellow' ELSE 'green' END AS colour,
       (@sources::text[])[c.source] AS source, (@kinds::text[])[c.kind] AS kind,
       c.district_code AS district, c.grid_code AS grid, c.outside, c.unit, c.description,
       c.reported_at, c.closed_at, c.alert_count AS alerts, c.location AS geometry
FROM cases c
WHERE coalesce(c.grid_code, c.district_code) LIKE ANY (@scope::text[])
  AND (NOT @timed OR ((@from::timestamptz IS NULL OR c.reported_at >= @from) AND (@to::timestamptz IS NULL OR c.reported_at <= @to)))
