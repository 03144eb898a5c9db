-- Connections to vendor admin APIs (issue 10). Settings hold only non-secret values; the secret is stored as a
-- Data Protection payload so a copied database reveals no credential.
CREATE TABLE vendor_accounts (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    vendor_code NVARCHAR(64) NOT NULL,
    connector NVARCHAR(64) NOT NULL,
    display_name NVARCHAR(320) NOT NULL,
    base_address NVARCHAR(2000) NULL,
    settings NVARCHAR(MAX) NOT NULL,
    protected_secret NVARCHAR(MAX) NULL,
    last_checked_at DATETIMEOFFSET NULL,
    last_check_ok BIT NULL,
    last_error NVARCHAR(4000) NULL,
    last_error_at DATETIMEOFFSET NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_vendor_accounts_tenant ON vendor_accounts (tenant_id);

ALTER TABLE subscriptions ADD connected_account_id UNIQUEIDENTIFIER NULL;

CREATE TABLE vendor_members (
    vendor_account_id UNIQUEIDENTIFIER NOT NULL REFERENCES vendor_accounts (id),
    email NVARCHAR(320) NOT NULL,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    external_id NVARCHAR(320) NULL,
    display_name NVARCHAR(320) NULL,
    role NVARCHAR(64) NULL,
    status NVARCHAR(64) NOT NULL,
    joined_on DATE NULL,
    last_active_on DATE NULL,
    source NVARCHAR(64) NOT NULL,
    read_at DATETIMEOFFSET NOT NULL,
    PRIMARY KEY (vendor_account_id, email)
);
CREATE INDEX ix_vendor_members_tenant ON vendor_members (tenant_id);
