-- A batch of alerts in one statement; a (gateway, msgId) already there is absorbed by the unique key.
INSERT INTO alerts (gateway_id, msg_id, device_id, type, severity, observed_at, received_at, stored_at, location, district_code, grid_code,
                    class_code, confidence, media, props, outcome, case_id)
SELECT g, m, d, t, s, o, r, clock_timestamp(), ST_SetSRID(ST_MakePoint(x, y), 4326), left(gr, 6), gr, c, cf, me, p::jsonb, oc, ci
FROM unnest(@gateway::text[], @msg::text[], @device::text[], @type::text[], @severity::text[], @observed::timestamptz[], @received::timestamptz[],
            @lon::float8[], @lat::float8[], @grid::text[], @class::text[], @confidence::float8[], @media::text[], @props::text[], @outcome::int[],
            @case::bigint[])
     AS u(g, m, d, t, s, o, r, x, y, gr, c, cf, me, p, oc, ci)
ON CONFLICT (gateway_id, msg_id) DO NOTHING;
