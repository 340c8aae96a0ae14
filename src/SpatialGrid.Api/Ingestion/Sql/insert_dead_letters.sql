-- Refused messages, kept whole with the reason (an oversized one: its first bytes and its size).
INSERT INTO dead_letters (gateway_id, topic, msg_id, reason, detail, payload, size, received_at)
SELECT * FROM unnest(@gateway::text[], @topic::text[], @msg::text[], @reason::text[], @detail::text[], @payload::bytea[], @size::int[], @received::timestamptz[]);
