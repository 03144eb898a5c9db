-- Keyset paging of GET /api/tenants/{id}/people seeks in this index and reads the page in order: no sort of the
-- tenant's whole people list per page (docs/performance.md).
CREATE INDEX ix_people_tenant_name ON people (tenant_id, last_name, first_name, email, id);
CREATE INDEX ix_tenants_legal_name ON tenants (legal_name, id);
