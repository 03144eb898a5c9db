-- The read copy of a person keeps the highest Tenants version applied; older or repeated events change nothing.
ALTER TABLE people ADD version BIGINT NOT NULL CONSTRAINT df_people_version DEFAULT 0;
GO
-- Steps and manual tasks that a later state of the person made pointless are cancelled, saying why.
ALTER TABLE transfer_steps ADD cancel_reason NVARCHAR(1000) NULL;
ALTER TABLE manual_tasks ADD cancel_reason NVARCHAR(1000) NULL;
GO
CREATE INDEX ix_transfers_person ON transfers (person_id, status);
CREATE INDEX ix_transfer_steps_seat ON transfer_steps (seat_id);
