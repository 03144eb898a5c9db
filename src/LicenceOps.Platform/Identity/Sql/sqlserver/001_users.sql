CREATE TABLE users (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    email NVARCHAR(320) NOT NULL UNIQUE,
    display_name NVARCHAR(200) NOT NULL,
    password_hash NVARCHAR(400) NOT NULL,
    role NVARCHAR(40) NOT NULL,
    tenant_id UNIQUEIDENTIFIER NULL,
    is_active BIT NOT NULL DEFAULT 1,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_users_tenant ON users (tenant_id);
