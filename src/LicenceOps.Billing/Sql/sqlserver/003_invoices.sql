-- Invoices and credit notes. A row is editable only while status = 'draft'; triggers below refuse any
-- change to an issued document's amounts, parties or lines, whatever code path tries.
CREATE TABLE invoices (
    id                      UNIQUEIDENTIFIER NOT NULL CONSTRAINT pk_invoices PRIMARY KEY,
    tenant_id               UNIQUEIDENTIFIER NOT NULL,
    kind                    NVARCHAR(20)  NOT NULL CONSTRAINT ck_invoices_kind CHECK (kind IN ('invoice', 'credit-note')),
    period                  NVARCHAR(7)   NOT NULL,
    period_start            DATE          NOT NULL,
    period_end              DATE          NOT NULL,
    status                  NVARCHAR(20)  NOT NULL CONSTRAINT ck_invoices_status CHECK (status IN ('draft', 'issued', 'paid', 'overdue')),
    number                  NVARCHAR(30)  NULL,
    issue_date              DATE          NULL,
    due_date                DATE          NULL,
    credited_invoice_id     UNIQUEIDENTIFIER NULL CONSTRAINT fk_invoices_credited REFERENCES invoices (id),
    credit_reason           NVARCHAR(500) NULL,
    vat_category            NVARCHAR(2)   NOT NULL,
    vat_rate                DECIMAL(19, 4) NOT NULL,
    vat_exemption_reason    NVARCHAR(300) NULL,
    buyer_json              NVARCHAR(MAX) NOT NULL,
    seller_json             NVARCHAR(MAX) NOT NULL,
    total_excl_vat          DECIMAL(19, 4) NOT NULL,
    total_vat               DECIMAL(19, 4) NOT NULL,
    total_incl_vat          DECIMAL(19, 4) NOT NULL,
    currency                NVARCHAR(3)   NOT NULL,
    created_at              DATETIMEOFFSET NOT NULL,
    issued_at               DATETIMEOFFSET NULL,
    paid_at                 DATETIMEOFFSET NULL,
    amount_paid             DECIMAL(19, 4) NULL,
    payment_customer_id     NVARCHAR(100) NULL,
    payment_intent_id       NVARCHAR(100) NULL,
    payment_requested_at    DATETIMEOFFSET NULL
);
-- A period is invoiced once per tenant, however many runs.
CREATE UNIQUE INDEX ux_invoices_tenant_period ON invoices (tenant_id, period) WHERE kind = 'invoice';
CREATE UNIQUE INDEX ux_invoices_number ON invoices (number) WHERE number IS NOT NULL;
CREATE INDEX ix_invoices_tenant ON invoices (tenant_id, created_at);
CREATE INDEX ix_invoices_status ON invoices (status, due_date);

CREATE TABLE invoice_lines (
    invoice_id            UNIQUEIDENTIFIER NOT NULL CONSTRAINT fk_invoice_lines_invoice REFERENCES invoices (id),
    line_number           INT NOT NULL,
    subscription_id       UNIQUEIDENTIFIER NULL,
    product_group         NVARCHAR(200) NOT NULL,
    description           NVARCHAR(500) NOT NULL,
    period_start          DATE NOT NULL,
    period_end            DATE NOT NULL,
    quantity              DECIMAL(19, 4) NOT NULL,
    unit                  NVARCHAR(20) NOT NULL,
    unit_price_excl_vat   DECIMAL(19, 4) NOT NULL,
    vat_category          NVARCHAR(2) NOT NULL,
    vat_rate              DECIMAL(19, 4) NOT NULL,
    net_amount            DECIMAL(19, 4) NOT NULL,
    credited_line_number  INT NULL,
    CONSTRAINT pk_invoice_lines PRIMARY KEY (invoice_id, line_number)
);

CREATE TABLE invoice_exchange_rates (
    invoice_id      UNIQUEIDENTIFIER NOT NULL CONSTRAINT fk_invoice_rates_invoice REFERENCES invoices (id),
    currency        NVARCHAR(3) NOT NULL,
    units_per_euro  DECIMAL(19, 6) NOT NULL,
    rate_date       DATE NOT NULL,
    CONSTRAINT pk_invoice_exchange_rates PRIMARY KEY (invoice_id, currency)
);

-- Gapless counters: bumped inside the issuing transaction, so concurrent issuers queue on the row lock.
CREATE TABLE invoice_sequences (
    series      NVARCHAR(5) NOT NULL CONSTRAINT pk_invoice_sequences PRIMARY KEY,
    next_value  BIGINT NOT NULL
);
INSERT INTO invoice_sequences (series, next_value) VALUES ('F', 1);
INSERT INTO invoice_sequences (series, next_value) VALUES ('AV', 1);

CREATE TABLE invoice_payment_failures (
    invoice_id         UNIQUEIDENTIFIER NOT NULL CONSTRAINT fk_payment_failures_invoice REFERENCES invoices (id),
    payment_intent_id  NVARCHAR(100) NOT NULL,
    failed_at          DATETIMEOFFSET NOT NULL,
    reason             NVARCHAR(500) NOT NULL,
    CONSTRAINT pk_invoice_payment_failures PRIMARY KEY (invoice_id, payment_intent_id, failed_at)
);

CREATE TABLE invoice_reminders (
    invoice_id    UNIQUEIDENTIFIER NOT NULL CONSTRAINT fk_invoice_reminders_invoice REFERENCES invoices (id),
    days_overdue  INT NOT NULL,
    sent_at       DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_invoice_reminders PRIMARY KEY (invoice_id, days_overdue)
);
GO

CREATE TRIGGER trg_invoices_issued_immutable ON invoices
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    IF EXISTS (
        SELECT 1
        FROM deleted d
        LEFT JOIN inserted i ON i.id = d.id
        WHERE d.status <> 'draft'
          AND (i.id IS NULL
               OR i.tenant_id <> d.tenant_id OR i.kind <> d.kind OR i.period <> d.period
               OR i.period_start <> d.period_start OR i.period_end <> d.period_end
               OR ISNULL(i.number, '') <> ISNULL(d.number, '')
               OR ISNULL(i.issue_date, '19000101') <> ISNULL(d.issue_date, '19000101')
               OR ISNULL(i.due_date, '19000101') <> ISNULL(d.due_date, '19000101')
               OR i.vat_category <> d.vat_category OR i.vat_rate <> d.vat_rate
               OR i.buyer_json <> d.buyer_json OR i.seller_json <> d.seller_json
               OR i.total_excl_vat <> d.total_excl_vat OR i.total_vat <> d.total_vat
               OR i.total_incl_vat <> d.total_incl_vat OR i.currency <> d.currency))
    BEGIN
        THROW 51000, 'An issued invoice is immutable; issue a credit note instead.', 1;
    END
END;
GO

CREATE TRIGGER trg_invoice_lines_draft_only ON invoice_lines
AFTER INSERT, UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    IF EXISTS (
        SELECT 1
        FROM (SELECT invoice_id FROM inserted UNION SELECT invoice_id FROM deleted) AS touched
        JOIN invoices inv ON inv.id = touched.invoice_id
        WHERE inv.status <> 'draft')
    BEGIN
        THROW 51001, 'The lines of an issued invoice are immutable.', 1;
    END
END;
GO
