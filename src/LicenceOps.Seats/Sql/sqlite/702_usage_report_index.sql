-- The usage report reads a tenant's distinct (seat, activity date) pairs in a period: this index covers that read, so
-- it seeks to the period and never visits the table (docs/performance.md, usage report benchmark).
CREATE INDEX ix_seat_usage_days_tenant_activity ON seat_usage_days (tenant_id, last_active_on, seat_id);
