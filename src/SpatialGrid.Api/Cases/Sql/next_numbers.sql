-- Takes @n numbers at once for a district and local day (a storm of device alerts opening cases): returns the
-- last one taken; the batch's numbers are last - n + 1 … last. The row lock serialises takers, as for one.
INSERT INTO case_counters (district_code, day, last) VALUES (@district, @day, @n)
ON CONFLICT (district_code, day) DO UPDATE SET last = case_counters.last + @n
RETURNING last;
