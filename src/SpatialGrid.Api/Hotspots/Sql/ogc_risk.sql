-- Risk scores as OGC API features (Ogc/OgcSqlCollection wraps this query): per forecast day the scores of the newest
-- model that scored it (as GET /api/hotspots/scores reads them), on the grid's current polygon; only the grids the
-- caller sees (@scope: CallerScope.Patterns, '%' for the whole city). With @timed, the days @from_day..@to_day (a null
-- end is open); without, the latest day scored (what the map's risk layer shows).
SELECT to_char(s.day, 'YYYY-MM-DD') || '_' || s.grid_code AS id, s.grid_code AS grid, g.name, s.district_code AS district, s.day,
       s.model_version AS model, s.expected, s.per_km2, s.rank, s.explanation::text AS explanation, g.geometry
FROM risk_scores s
JOIN (SELECT scored_day, max(version) AS version FROM risk_models GROUP BY scored_day) m ON m.version = s.model_version AND m.scored_day = s.day
JOIN grids g ON g.code = s.grid_code AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
WHERE s.grid_code LIKE ANY (@scope::text[])
  AND CASE WHEN @timed THEN (@from_day::date IS NULL OR s.day >= @from_day) AND (@to_day::date IS NULL OR s.day <= @to_day)
           ELSE s.day = (SELECT max(scored_day) FROM risk_models) END
