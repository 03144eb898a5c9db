-- Keyset paging: each tenant list seeks in an index that matches its order (docs/performance.md).
CREATE INDEX ix_seats_tenant_created ON seats (tenant_id, created_at, id);
CREATE INDEX ix_transfers_tenant_created ON transfers (tenant_id, created_at, id);
CREATE INDEX ix_manual_tasks_tenant_created ON manual_tasks (tenant_id, created_at, id);
CREATE INDEX ix_seat_requests_tenant_requested ON seat_requests (tenant_id, requested_at, id);
