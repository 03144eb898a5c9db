-- Billing's own copies of other modules' facts, fed by their events.
CREATE TABLE billing_tenants (
    tenant_id      UNIQUEIDENTIFIER NOT NULL CONSTRAINT pk_billing_tenants PRIMARY KEY,
    legal_name     NVARCHAR(300) NOT NULL,
    siren          NVARCHAR(9)   NULL,
    siret          NVARCHAR(14)  NULL,
    vat_number     NVARCHAR(20)  NULL,
    country_code   NVARCHAR(2)   NOT NULL,
    address_line1  NVARCHAR(300) NOT NULL,
    address_line2  NVARCHAR(300) NULL,
    postal_code    NVARCHAR(20)  NOT NULL,
    city           NVARCHAR(200) NOT NULL,
    billing_email  NVARCHAR(320) NOT NULL,
    status         NVARCHAR(30)  NOT NULL,
    profile_at     DATETIMEOFFSET NOT NULL
);

-- Every version of a subscription's commercial terms (SubscriptionQuantityChanged), in force from effective_date.
CREATE TABLE subscription_terms (
    subscription_id          UNIQUEIDENTIFIER NOT NULL,
    tenant_id                UNIQUEIDENTIFIER NOT NULL,
    vendor_name              NVARCHAR(200) NOT NULL,
    plan_code                NVARCHAR(100) NOT NULL,
    plan_name                NVARCHAR(200) NOT NULL,
    committed_quantity       INT NOT NULL,
    effective_date           DATE NOT NULL,
    term_start               DATE NOT NULL,
    renewal_date             DATE NOT NULL,
    billing_cycle            NVARCHAR(20) NOT NULL,
    list_price               DECIMAL(19, 4) NOT NULL,
    list_price_currency      NVARCHAR(3) NOT NULL,
    list_price_includes_vat  BIT NOT NULL,
    sale_price_per_seat_eur  DECIMAL(19, 4) NULL,
    occurred_at              DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_subscription_terms PRIMARY KEY (subscription_id, effective_date, occurred_at)
);
CREATE INDEX ix_subscription_terms_tenant ON subscription_terms (tenant_id);

-- Seat assignments and releases (SeatAssigned / SeatReleased), replayed in effective-date order at billing time.
CREATE TABLE seat_changes (
    seat_id          UNIQUEIDENTIFIER NOT NULL,
    tenant_id        UNIQUEIDENTIFIER NOT NULL,
    subscription_id  UNIQUEIDENTIFIER NOT NULL,
    assigned         BIT NOT NULL,
    effective_date   DATE NOT NULL,
    occurred_at      DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_seat_changes PRIMARY KEY (seat_id, assigned, effective_date, occurred_at)
);
CREATE INDEX ix_seat_changes_subscription ON seat_changes (tenant_id, subscription_id);
