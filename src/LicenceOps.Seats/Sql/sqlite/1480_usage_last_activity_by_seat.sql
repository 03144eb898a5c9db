-- Issue 11 (ADR 0044): a reconciliation reads, for the same person's seats in the tenant's other tools, each seat's latest
-- activity date (MAX(last_active_on) of that seat). Without this index SQLite answers it from
-- ix_seat_usage_days_tenant_activity (tenant_id, last_active_on, seat_id), walking the tenant's rows from the newest date
-- down until it meets the seat: for a seat never active (no date) that is every row the tenant holds, and the rows grow with
-- retention. With the seat before the date, the maximum is one seek.
CREATE INDEX ix_seat_usage_days_seat_activity ON seat_usage_days (tenant_id, seat_id, last_active_on);
