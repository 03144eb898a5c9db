-- Every payment the provider reports, whatever its amount or currency. Only payments in the invoice's currency
-- that add up to the amount due mark it paid; anything else waits here for staff review (review_status 'open').
CREATE TABLE invoice_payments (
    invoice_id         UNIQUEIDENTIFIER NOT NULL CONSTRAINT fk_invoice_payments_invoice REFERENCES invoices (id),
    payment_intent_id  NVARCHAR(100) NOT NULL,
    tenant_id          UNIQUEIDENTIFIER NOT NULL,
    amount             DECIMAL(19,4) NOT NULL,
    currency           NVARCHAR(3) NOT NULL,
    amount_due         DECIMAL(19,4) NOT NULL,
    outcome            NVARCHAR(20) NOT NULL CONSTRAINT ck_invoice_payments_outcome CHECK (outcome IN ('paid', 'partial', 'mismatched')),
    review_status      NVARCHAR(10) NOT NULL CONSTRAINT ck_invoice_payments_review CHECK (review_status IN ('none', 'open')),
    received_at        DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_invoice_payments PRIMARY KEY (invoice_id, payment_intent_id)
);
CREATE INDEX ix_invoice_payments_review ON invoice_payments (review_status, received_at);
