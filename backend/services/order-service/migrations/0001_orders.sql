-- order-service: the commercial order behind each payment, its items, refunds and log.

CREATE TABLE orders (
    id             bigserial   PRIMARY KEY,
    merchant_id    text        NOT NULL CHECK (length(merchant_id) BETWEEN 1 AND 64),
    order_no       text        NOT NULL CHECK (length(order_no) BETWEEN 1 AND 64),
    payment_no     text        NOT NULL CHECK (length(payment_no) BETWEEN 1 AND 64),
    amount_minor   bigint      NOT NULL CHECK (amount_minor > 0),
    currency       char(3)     NOT NULL,
    description    text,
    customer_email text,
    customer_name  text,
    status         text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'paid', 'cancelled', 'expired', 'refunded')),
    pay_status     text        NOT NULL DEFAULT 'pending'
        CHECK (pay_status IN ('pending', 'paid', 'failed', 'refunded', 'partial_refunded')),
    refunded_minor bigint      NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    close_reason   text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    paid_at        timestamptz,
    cancelled_at   timestamptz,
    expired_at     timestamptz,
    refunded_at    timestamptz,
    UNIQUE (merchant_id, order_no)
);
CREATE INDEX orders_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_merchant_created ON orders (merchant_id, created_at DESC);
CREATE INDEX orders_payment_no ON orders (payment_no);

CREATE TABLE order_items (
    id               bigserial PRIMARY KEY,
    order_id         bigint    NOT NULL REFERENCES orders (id),
    name             text      NOT NULL,
    sku              text,
    quantity         integer   NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint    NOT NULL CHECK (unit_price_minor >= 0),
    total_minor      bigint    NOT NULL CHECK (total_minor >= 0)
);
CREATE INDEX order_items_order ON order_items (order_id);

-- Refunds applied to orders; the refund_no (payment-gateway's) makes /refund idempotent.
CREATE TABLE order_refunds (
    refund_no    text        PRIMARY KEY CHECK (length(refund_no) BETWEEN 1 AND 64),
    order_id     bigint      NOT NULL REFERENCES orders (id),
    amount_minor bigint      NOT NULL CHECK (amount_minor > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_refunds_order ON order_refunds (order_id);

-- Every change of an order, written in the same transaction as the change.
CREATE TABLE order_logs (
    id             bigserial   PRIMARY KEY,
    order_id       bigint      NOT NULL REFERENCES orders (id),
    action         text        NOT NULL CHECK (action IN ('create', 'pay', 'cancel', 'expire', 'fail', 'refund')),
    old_status     text,
    new_status     text        NOT NULL,
    old_pay_status text,
    new_pay_status text        NOT NULL,
    operator_type  text        NOT NULL CHECK (operator_type IN ('system', 'merchant', 'admin', 'customer')),
    operator_id    text,
    remark         text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_logs_order ON order_logs (order_id, id);
