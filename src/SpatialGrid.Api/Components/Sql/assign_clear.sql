-- Drops the grid links that assign.sql is about to recompute.
DELETE FROM component_grids WHERE @all OR component_id IN (SELECT unnest(@ids::bigint[]));
