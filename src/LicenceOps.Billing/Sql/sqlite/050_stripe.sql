-- Stripe bookkeeping owned by Payments/: the customer of each tenant, the payment intent of each
-- invoice (Stripe forgets idempotency keys after 24 hours, we do not), and every webhook event applied.
CREATE TABLE stripe_customers (
    tenant_id    TEXT NOT NULL PRIMARY KEY,
    customer_id  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL
);

CREATE TABLE stripe_payment_intents (
    invoice_id         TEXT NOT NULL PRIMARY KEY,
    tenant_id          TEXT NOT NULL,
    payment_intent_id  TEXT NOT NULL UNIQUE,
    amount_cents       INTEGER NOT NULL,
    created_at         TEXT NOT NULL
);

CREATE TABLE stripe_events (
    event_id     TEXT NOT NULL PRIMARY KEY,
    event_type   TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
