-- The (gateway, msgId) pairs of a batch that are stored already: redeliveries, absorbed and acknowledged again.
-- One probe of the unique index per message (LATERAL … LIMIT 1): as alerts grows, a hash join over the whole
-- table is what the planner would otherwise pick between two ANALYZEs.
SELECT u.g, u.m
FROM unnest(@gateways::text[], @msgs::text[]) AS u(g, m)
CROSS JOIN LATERAL (SELECT 1 FROM alerts a WHERE a.gateway_id = u.g AND a.msg_id = u.m LIMIT 1) AS found;
