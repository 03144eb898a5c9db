-- Support's copy of which tenant each seat belongs to (from Seats' SeatAssigned), so a ticket can only be linked to a
-- seat of its own tenant.
CREATE TABLE support_seats (
    seat_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    person_id UNIQUEIDENTIFIER NOT NULL,
    occurred_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_support_seats_tenant ON support_seats (tenant_id);
