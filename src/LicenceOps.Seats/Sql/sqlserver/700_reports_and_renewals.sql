-- Usage reports and renewal planning (issue 12).
-- What Billing invoiced, per document line (InvoiceIssued.Lines): the euros the usage report calls "cost as invoiced".
-- net_amount_eur is signed: positive on an invoice, negative on a credit note, so a month's cost is a plain sum.
CREATE TABLE invoiced_lines (
    invoice_id UNIQUEIDENTIFIER NOT NULL,
    line_number INT NOT NULL,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    invoice_number NVARCHAR(64) NOT NULL,
    kind NVARCHAR(32) NOT NULL,
    issue_date DATE NOT NULL,
    subscription_id UNIQUEIDENTIFIER NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    net_amount_eur DECIMAL(19,4) NOT NULL,
    received_at DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_invoiced_lines PRIMARY KEY (invoice_id, line_number)
);
CREATE INDEX ix_invoiced_lines_tenant_period ON invoiced_lines (tenant_id, period_start);

-- What staff decided for one renewal of a subscription; a renewal date passed without a row here is flagged.
CREATE TABLE renewal_decisions (
    subscription_id UNIQUEIDENTIFIER NOT NULL REFERENCES subscriptions (id),
    renewal_date DATE NOT NULL,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    decision NVARCHAR(32) NOT NULL,
    quantity INT NULL,
    note NVARCHAR(1000) NULL,
    decided_by_id NVARCHAR(128) NOT NULL,
    decided_by NVARCHAR(320) NOT NULL,
    decided_at DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_renewal_decisions PRIMARY KEY (subscription_id, renewal_date)
);

-- The renewal lists seek by date: all tenants for staff, one tenant for a client.
CREATE INDEX ix_subscriptions_renewal ON subscriptions (renewal_date, id);
CREATE INDEX ix_subscriptions_tenant_renewal ON subscriptions (tenant_id, renewal_date, id);
