-- Stripe bookkeeping owned by Payments/: the customer of each tenant, the payment intent of each
-- invoice (Stripe forgets idempotency keys after 24 hours, we do not), and every webhook event applied.
CREATE TABLE stripe_customers (
    tenant_id    UNIQUEIDENTIFIER NOT NULL CONSTRAINT pk_stripe_customers PRIMARY KEY,
    customer_id  NVARCHAR(100) NOT NULL CONSTRAINT ux_stripe_customers_customer UNIQUE,
    created_at   DATETIMEOFFSET NOT NULL
);

CREATE TABLE stripe_payment_intents (
    invoice_id         UNIQUEIDENTIFIER NOT NULL CONSTRAINT pk_stripe_payment_intents PRIMARY KEY,
    tenant_id          UNIQUEIDENTIFIER NOT NULL,
    payment_intent_id  NVARCHAR(100) NOT NULL CONSTRAINT ux_stripe_payment_intents_intent UNIQUE,
    amount_cents       BIGINT NOT NULL,
    created_at         DATETIMEOFFSET NOT NULL
);

CREATE TABLE stripe_events (
    event_id     NVARCHAR(100) NOT NULL CONSTRAINT pk_stripe_events PRIMARY KEY,
    event_type   NVARCHAR(100) NOT NULL,
    outcome      NVARCHAR(200) NOT NULL,
    received_at  DATETIMEOFFSET NOT NULL
);
