-- Every callback channel-adapter was asked to verify, verified or not (spec §4.5 webhook_logs):
-- what an operator looks at when a result "never arrived" or someone forges callbacks.
CREATE TABLE channel_callbacks (
    id          bigserial   PRIMARY KEY,
    channel     text        NOT NULL,
    verified    boolean     NOT NULL,
    error       text,
    event_id    text,
    kind        text,
    payment_no  text,
    refund_no   text,
    status      text,
    applied     boolean     NOT NULL DEFAULT false,
    body_sha256 text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX channel_callbacks_payment ON channel_callbacks (payment_no);
CREATE INDEX channel_callbacks_received ON channel_callbacks (received_at DESC, id DESC);
