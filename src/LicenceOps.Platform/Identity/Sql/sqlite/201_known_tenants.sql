-- Identity's read copy of the tenants that exist (from TenantProfileChanged), so a client user cannot point at a made-up tenant.
CREATE TABLE known_tenants (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    legal_name TEXT NOT NULL,
    status TEXT NOT NULL,
    profile_at TEXT NOT NULL
);
