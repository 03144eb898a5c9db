-- Usage reports and renewal planning (issue 12).
-- What Billing invoiced, per document line (InvoiceIssued.Lines): the euros the usage report calls "cost as invoiced".
-- net_amount_eur is signed: positive on an invoice, negative on a credit note, so a month's cost is a plain sum.
CREATE TABLE invoiced_lines (
    invoice_id TEXT NOT NULL,
    line_number INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    invoice_number TEXT NOT NULL,
    kind TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    subscription_id TEXT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    net_amount_eur TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (invoice_id, line_number)
);
CREATE INDEX ix_invoiced_lines_tenant_period ON invoiced_lines (tenant_id, period_start);

-- What staff decided for one renewal of a subscription; a renewal date passed without a row here is flagged.
CREATE TABLE renewal_decisions (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    renewal_date TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    quantity INTEGER NULL,
    note TEXT NULL,
    decided_by_id TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (subscription_id, renewal_date)
);

-- The renewal lists seek by date: all tenants for staff, one tenant for a client.
CREATE INDEX ix_subscriptions_renewal ON subscriptions (renewal_date, id);
CREATE INDEX ix_subscriptions_tenant_renewal ON subscriptions (tenant_id, renewal_date, id);
