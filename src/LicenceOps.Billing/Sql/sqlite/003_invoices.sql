-- Invoices and credit notes. A row is editable only while status = 'draft'; triggers below refuse any
-- change to an issued document's amounts, parties or lines, whatever code path tries.
CREATE TABLE invoices (
    id                      TEXT PRIMARY KEY,
    tenant_id               TEXT NOT NULL,
    kind                    TEXT NOT NULL CHECK (kind IN ('invoice', 'credit-note')),
    period                  TEXT NOT NULL,
    period_start            TEXT NOT NULL,
    period_end              TEXT NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'paid', 'overdue')),
    number                  TEXT NULL,
    issue_date              TEXT NULL,
    due_date                TEXT NULL,
    credited_invoice_id     TEXT NULL REFERENCES invoices (id),
    credit_reason           TEXT NULL,
    vat_category            TEXT NOT NULL,
    vat_rate                TEXT NOT NULL,
    vat_exemption_reason    TEXT NULL,
    buyer_json              TEXT NOT NULL,
    seller_json             TEXT NOT NULL,
    total_excl_vat          TEXT NOT NULL,
    total_vat               TEXT NOT NULL,
    total_incl_vat          TEXT NOT NULL,
    currency                TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    issued_at               TEXT NULL,
    paid_at                 TEXT NULL,
    amount_paid             TEXT NULL,
    payment_customer_id     TEXT NULL,
    payment_intent_id       TEXT NULL,
    payment_requested_at    TEXT NULL
);
-- A period is invoiced once per tenant, however many runs.
CREATE UNIQUE INDEX ux_invoices_tenant_period ON invoices (tenant_id, period) WHERE kind = 'invoice';
CREATE UNIQUE INDEX ux_invoices_number ON invoices (number) WHERE number IS NOT NULL;
CREATE INDEX ix_invoices_tenant ON invoices (tenant_id, created_at);
CREATE INDEX ix_invoices_status ON invoices (status, due_date);

CREATE TABLE invoice_lines (
    invoice_id            TEXT NOT NULL REFERENCES invoices (id),
    line_number           INTEGER NOT NULL,
    subscription_id       TEXT NULL,
    product_group         TEXT NOT NULL,
    description           TEXT NOT NULL,
    period_start          TEXT NOT NULL,
    period_end            TEXT NOT NULL,
    quantity              TEXT NOT NULL,
    unit                  TEXT NOT NULL,
    unit_price_excl_vat   TEXT NOT NULL,
    vat_category          TEXT NOT NULL,
    vat_rate              TEXT NOT NULL,
    net_amount            TEXT NOT NULL,
    credited_line_number  INTEGER NULL,
    PRIMARY KEY (invoice_id, line_number)
);

CREATE TABLE invoice_exchange_rates (
    invoice_id      TEXT NOT NULL REFERENCES invoices (id),
    currency        TEXT NOT NULL,
    units_per_euro  TEXT NOT NULL,
    rate_date       TEXT NOT NULL,
    PRIMARY KEY (invoice_id, currency)
);

-- Gapless counters: bumped inside the issuing transaction, so concurrent issuers queue on the row.
CREATE TABLE invoice_sequences (
    series      TEXT PRIMARY KEY,
    next_value  INTEGER NOT NULL
);
INSERT INTO invoice_sequences (series, next_value) VALUES ('F', 1);
INSERT INTO invoice_sequences (series, next_value) VALUES ('AV', 1);

CREATE TABLE invoice_payment_failures (
    invoice_id         TEXT NOT NULL REFERENCES invoices (id),
    payment_intent_id  TEXT NOT NULL,
    failed_at          TEXT NOT NULL,
    reason             TEXT NOT NULL,
    PRIMARY KEY (invoice_id, payment_intent_id, failed_at)
);

CREATE TABLE invoice_reminders (
    invoice_id    TEXT NOT NULL REFERENCES invoices (id),
    days_overdue  INTEGER NOT NULL,
    sent_at       TEXT NOT NULL,
    PRIMARY KEY (invoice_id, days_overdue)
);

CREATE TRIGGER trg_invoices_issued_immutable
BEFORE UPDATE OF tenant_id, kind, period, period_start, period_end, number, issue_date, due_date, credited_invoice_id,
    vat_category, vat_rate, vat_exemption_reason, buyer_json, seller_json, total_excl_vat, total_vat, total_incl_vat, currency
ON invoices
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is immutable; issue a credit note instead');
END;

CREATE TRIGGER trg_invoices_issued_undeletable
BEFORE DELETE ON invoices
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice cannot be deleted');
END;

CREATE TRIGGER trg_invoice_lines_insert_draft_only
BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'lines can only be added to a draft');
END;

CREATE TRIGGER trg_invoice_lines_update_draft_only
BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued invoice are immutable');
END;

CREATE TRIGGER trg_invoice_lines_delete_draft_only
BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued invoice are immutable');
END;
