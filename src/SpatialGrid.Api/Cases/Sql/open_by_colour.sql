-- Open cases by their colour now (from the stored crossing instants), for the cases-by-colour gauge of /metrics.
SELECT CASE WHEN red_at <= @now THEN 'red' WHEN yellow_at <= @now THEN 'yellow' ELSE 'green' END AS colour, count(*)
FROM cases
WHERE state NOT IN (7, 8)
GROUP BY 1;
