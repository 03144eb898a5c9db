-- Billing's own copies of other modules' facts, fed by their events.
CREATE TABLE billing_tenants (
    tenant_id      TEXT PRIMARY KEY,
    legal_name     TEXT NOT NULL,
    siren          TEXT NULL,
    siret          TEXT NULL,
    vat_number     TEXT NULL,
    country_code   TEXT NOT NULL,
    address_line1  TEXT NOT NULL,
    address_line2  TEXT NULL,
    postal_code    TEXT NOT NULL,
    city           TEXT NOT NULL,
    billing_email  TEXT NOT NULL,
    status         TEXT NOT NULL,
    profile_at     TEXT NOT NULL
);

-- Every version of a subscription's commercial terms (SubscriptionQuantityChanged), in force from effective_date.
CREATE TABLE subscription_terms (
    subscription_id          TEXT NOT NULL,
    tenant_id                TEXT NOT NULL,
    vendor_name              TEXT NOT NULL,
    plan_code                TEXT NOT NULL,
    plan_name                TEXT NOT NULL,
    committed_quantity       INTEGER NOT NULL,
    effective_date           TEXT NOT NULL,
    term_start               TEXT NOT NULL,
    renewal_date             TEXT NOT NULL,
    billing_cycle            TEXT NOT NULL,
    list_price               TEXT NOT NULL,
    list_price_currency      TEXT NOT NULL,
    list_price_includes_vat  INTEGER NOT NULL,
    sale_price_per_seat_eur  TEXT NULL,
    occurred_at              TEXT NOT NULL,
    PRIMARY KEY (subscription_id, effective_date, occurred_at)
);
CREATE INDEX ix_subscription_terms_tenant ON subscription_terms (tenant_id);

-- Seat assignments and releases (SeatAssigned / SeatReleased), replayed in effective-date order at billing time.
CREATE TABLE seat_changes (
    seat_id          TEXT NOT NULL,
    tenant_id        TEXT NOT NULL,
    subscription_id  TEXT NOT NULL,
    assigned         INTEGER NOT NULL,
    effective_date   TEXT NOT NULL,
    occurred_at      TEXT NOT NULL,
    PRIMARY KEY (seat_id, assigned, effective_date, occurred_at)
);
CREATE INDEX ix_seat_changes_subscription ON seat_changes (tenant_id, subscription_id);
