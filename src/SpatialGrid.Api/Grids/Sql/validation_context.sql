-- The current grids an import is validated against: the parents of its top codes and their other children
-- (the siblings it must not overlap and, with it, must cover the parent), minus everything the import replaces.
-- Districts have no parent: their siblings are the districts of the same city, the same first 4 digits (GridCode.SiblingKey).
-- @parents: parent codes of the import's top codes; @scope: the top codes; @cities: the 4-digit keys of its top districts.
SELECT g.code, g.kind, g.geometry
FROM grids g
WHERE g.valid_from IS NOT NULL AND g.valid_to IS NULL
  AND (g.code = ANY(@parents)
       OR g.parent_code = ANY(@parents)
       OR (g.level = 1 AND left(g.code, 4) = ANY(@cities)))
  AND NOT EXISTS (SELECT 1 FROM unnest(@scope::text[]) s WHERE starts_with(g.code, s));
