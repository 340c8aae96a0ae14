-- The inventory of a grid and every grid below it: components by class, with the length (m) of lines and
-- the area (m²) of polygons that lies inside. Removed components are not counted.
SELECT c.class_code, t.name_zh, t.name_en, t.geometry,
       count(DISTINCT c.id) AS count,
       round(sum(l.measure)::numeric, 1)::double precision AS measure
FROM component_grids l
JOIN components c ON c.id = l.component_id
JOIN taxonomy t ON t.code = c.class_code
WHERE starts_with(l.grid_code, @code) AND c.status <> 5
GROUP BY c.class_code, t.name_zh, t.name_en, t.geometry
ORDER BY c.class_code;
