-- Connections to vendor admin APIs (issue 10). Settings hold only non-secret values; the secret is stored as a
-- Data Protection payload so a copied database file reveals no credential.
CREATE TABLE vendor_accounts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    vendor_code TEXT NOT NULL,
    connector TEXT NOT NULL,
    display_name TEXT NOT NULL,
    base_address TEXT NULL,
    settings TEXT NOT NULL,
    protected_secret TEXT NULL,
    last_checked_at TEXT NULL,
    last_check_ok INTEGER NULL,
    last_error TEXT NULL,
    last_error_at TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_vendor_accounts_tenant ON vendor_accounts (tenant_id);

ALTER TABLE subscriptions ADD COLUMN connected_account_id TEXT NULL;

-- The latest member list a vendor account reported (API reading or CSV export): what reconciliation compares with seats.
CREATE TABLE vendor_members (
    vendor_account_id TEXT NOT NULL REFERENCES vendor_accounts (id),
    email TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    external_id TEXT NULL,
    display_name TEXT NULL,
    role TEXT NULL,
    status TEXT NOT NULL,
    joined_on TEXT NULL,
    last_active_on TEXT NULL,
    source TEXT NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (vendor_account_id, email)
);
CREATE INDEX ix_vendor_members_tenant ON vendor_members (tenant_id);
