CREATE TABLE tenants (
    id TEXT NOT NULL PRIMARY KEY,
    legal_name TEXT NOT NULL,
    siren TEXT NULL,
    siret TEXT NULL,
    vat_number TEXT NULL,
    country_code TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    billing_email TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A domain belongs to one tenant only: it decides whose employee an address is.
CREATE TABLE tenant_domains (
    domain TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id)
);
CREATE INDEX ix_tenant_domains_tenant ON tenant_domains (tenant_id);

-- name_key is the upper-cased name: department names are unique per tenant whatever their case.
CREATE TABLE departments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_departments_tenant_name ON departments (tenant_id, name_key);

-- email is stored lower-cased.
CREATE TABLE people (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    department_id TEXT NULL REFERENCES departments (id),
    manager_id TEXT NULL REFERENCES people (id),
    is_external INTEGER NOT NULL,
    status TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_people_tenant_email ON people (tenant_id, email);
CREATE INDEX ix_people_status_dates ON people (status, start_date, end_date);
