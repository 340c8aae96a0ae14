-- The names of the current grids (any tier) whose codes are the rows of an evaluation.
SELECT code, name FROM grids WHERE valid_to IS NULL AND valid_from IS NOT NULL AND code = ANY (@codes);
