-- The read copy of a person keeps the highest Tenants version applied; older or repeated events change nothing.
ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- Steps and manual tasks that a later state of the person made pointless are cancelled, saying why.
ALTER TABLE transfer_steps ADD COLUMN cancel_reason TEXT NULL;
ALTER TABLE manual_tasks ADD COLUMN cancel_reason TEXT NULL;
CREATE INDEX ix_transfers_person ON transfers (person_id, status);
CREATE INDEX ix_transfer_steps_seat ON transfer_steps (seat_id);
