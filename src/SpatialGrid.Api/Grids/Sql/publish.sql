-- Publish a draft version: retire every current grid under its scope, make its grids current, at one instant.
-- Runs in one transaction under an advisory lock, so two publishes never interleave.
UPDATE grids g SET valid_to = @now
WHERE g.valid_from IS NOT NULL AND g.valid_to IS NULL
  AND EXISTS (SELECT 1 FROM unnest(@scope::text[]) s WHERE starts_with(g.code, s));

UPDATE grids SET valid_from = @now WHERE version_id = @version;

UPDATE grid_versions SET status = 2, published_at = @now, published_by = @by WHERE id = @version;
