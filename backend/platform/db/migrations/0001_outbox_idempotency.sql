-- Platform tables every service database carries.

-- Transactional outbox: a service writes its event here in the same transaction as the state
-- change; the relay publishes rows in id order (so per aggregate in order) and marks them.
CREATE TABLE outbox_events (
    id              bigserial PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    topic           text        NOT NULL,
    event_type      text        NOT NULL,
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    payload         jsonb       NOT NULL,
    traceparent     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text
);
CREATE INDEX outbox_events_unpublished ON outbox_events (id) WHERE published_at IS NULL;

-- Idempotency records for mutating APIs (Idempotency-Key): the request's hash decides replay
-- (same body) versus conflict (different body); the stored response is replayed verbatim.
CREATE TABLE idempotency_keys (
    scope           text        NOT NULL,
    idempotency_key text        NOT NULL,
    request_hash    text        NOT NULL,
    status_code     integer,
    response_body   bytea,
    response_type   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    PRIMARY KEY (scope, idempotency_key),
    CHECK (length(idempotency_key) BETWEEN 1 AND 255)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Consumers record the events they have handled: delivery is at-least-once, effects are once.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
