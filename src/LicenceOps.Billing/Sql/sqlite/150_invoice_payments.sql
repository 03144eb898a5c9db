-- Every payment the provider reports, whatever its amount or currency. Only payments in the invoice's currency
-- that add up to the amount due mark it paid; anything else waits here for staff review (review_status 'open').
CREATE TABLE invoice_payments (
    invoice_id         TEXT NOT NULL REFERENCES invoices (id),
    payment_intent_id  TEXT NOT NULL,
    tenant_id          TEXT NOT NULL,
    amount             TEXT NOT NULL,
    currency           TEXT NOT NULL,
    amount_due         TEXT NOT NULL,
    outcome            TEXT NOT NULL CHECK (outcome IN ('paid', 'partial', 'mismatched')),
    review_status      TEXT NOT NULL CHECK (review_status IN ('none', 'open')),
    received_at        TEXT NOT NULL,
    PRIMARY KEY (invoice_id, payment_intent_id)
);
CREATE INDEX ix_invoice_payments_review ON invoice_payments (review_status, received_at);
