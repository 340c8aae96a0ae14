-- The next case number of a district and local day, unique under concurrency (the row lock serialises takers).
INSERT INTO case_counters (district_code, day, last) VALUES (@district, @day, 1)
ON CONFLICT (district_code, day) DO UPDATE SET last = case_counters.last + 1
RETURNING last;
