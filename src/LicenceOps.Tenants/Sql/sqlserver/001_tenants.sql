CREATE TABLE tenants (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    legal_name NVARCHAR(200) NOT NULL,
    siren CHAR(9) NULL,
    siret CHAR(14) NULL,
    vat_number NVARCHAR(20) NULL,
    country_code CHAR(2) NOT NULL,
    address_line1 NVARCHAR(200) NOT NULL,
    address_line2 NVARCHAR(200) NULL,
    postal_code NVARCHAR(10) NOT NULL,
    city NVARCHAR(100) NOT NULL,
    billing_email NVARCHAR(254) NOT NULL,
    status NVARCHAR(20) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
GO

-- A domain belongs to one tenant only: it decides whose employee an address is.
CREATE TABLE tenant_domains (
    domain NVARCHAR(253) NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL REFERENCES tenants (id)
);
CREATE INDEX ix_tenant_domains_tenant ON tenant_domains (tenant_id);
GO

-- name_key is the upper-cased name: department names are unique per tenant whatever their case.
CREATE TABLE departments (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL REFERENCES tenants (id),
    name NVARCHAR(100) NOT NULL,
    name_key NVARCHAR(100) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE UNIQUE INDEX ux_departments_tenant_name ON departments (tenant_id, name_key);
GO

-- email is stored lower-cased.
CREATE TABLE people (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL REFERENCES tenants (id),
    email NVARCHAR(254) NOT NULL,
    first_name NVARCHAR(100) NOT NULL,
    last_name NVARCHAR(100) NOT NULL,
    department_id UNIQUEIDENTIFIER NULL REFERENCES departments (id),
    manager_id UNIQUEIDENTIFIER NULL REFERENCES people (id),
    is_external BIT NOT NULL,
    status NVARCHAR(20) NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE UNIQUE INDEX ux_people_tenant_email ON people (tenant_id, email);
CREATE INDEX ix_people_status_dates ON people (status, start_date, end_date);
GO
