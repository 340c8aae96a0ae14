-- The (gateway, msgId) pairs of a batch that are stored already: redeliveries, absorbed and acknowledged again.
SELECT u.g, u.m
FROM unnest(@gateways::text[], @msgs::text[]) AS u(g, m)
JOIN alerts a ON a.gateway_id = u.g AND a.msg_id = u.m;
