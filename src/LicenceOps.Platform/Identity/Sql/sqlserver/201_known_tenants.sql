-- Identity's read copy of the tenants that exist (from TenantProfileChanged), so a client user cannot point at a made-up tenant.
CREATE TABLE known_tenants (
    tenant_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    legal_name NVARCHAR(300) NOT NULL,
    status NVARCHAR(40) NOT NULL,
    profile_at DATETIMEOFFSET NOT NULL
);
