-- payment-gateway: the W3C trace id of the request that created a payment, so the console opens
-- the exact trace of a payment (older rows keep NULL; the console then looks for spans naming it).

ALTER TABLE payments ADD COLUMN trace_id text CHECK (trace_id IS NULL OR trace_id ~ '^[0-9a-f]{32}$');

-- And of the request that wrote each timeline row (a callback, a capture, a refund has its own);
-- NULL for rows a sweep or follow-up task wrote.
ALTER TABLE payment_events ADD COLUMN trace_id text CHECK (trace_id IS NULL OR trace_id ~ '^[0-9a-f]{32}$');
