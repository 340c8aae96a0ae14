-- The current grids an import is validated against: the parents of its top codes and their other children
-- (the siblings it must not overlap and, with it, must cover the parent), minus everything the import replaces.
-- @parents: parent codes of the import's top codes; @scope: the top codes; @with_districts: a top code is a district.
SELECT g.code, g.kind, g.geometry
FROM grids g
WHERE g.valid_from IS NOT NULL AND g.valid_to IS NULL
  AND (g.code = ANY(@parents)
       OR g.parent_code = ANY(@parents)
       OR (@with_districts AND g.level = 1))
  AND NOT EXISTS (SELECT 1 FROM unnest(@scope::text[]) s WHERE starts_with(g.code, s));
