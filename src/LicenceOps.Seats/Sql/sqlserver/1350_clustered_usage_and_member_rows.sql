-- Issue 11 (ADR 0038): seat_usage_days is rebuilt clustered on (tenant_id, day, seat_id), data preserved, so a tenant's day is
-- one run of adjacent rows (it was clustered on (seat_id, day): a new day's rows landed on pages spread by random seat ids).
-- The (tenant_id, day) index is that key's prefix and goes; reads by seat use (tenant_id, seat_id, day); (day) stays for the
-- retention job. vendor_members is already clustered on its key (vendor_account_id, email) here: unchanged.
-- DROP TABLE takes the data-version trigger of migration 1301 with it: it is created again, unchanged, below.

CREATE TABLE seat_usage_days_rebuilt (
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    day DATE NOT NULL,
    seat_id UNIQUEIDENTIFIER NOT NULL,
    subscription_id UNIQUEIDENTIFIER NOT NULL,
    person_id UNIQUEIDENTIFIER NOT NULL,
    vendor_account_id UNIQUEIDENTIFIER NOT NULL,
    last_active_on DATE NULL,
    active BIT NOT NULL,
    activity_reported BIT NOT NULL,
    recorded_at DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_seat_usage_days_tenant_day_seat PRIMARY KEY CLUSTERED (tenant_id, day, seat_id)
);
INSERT INTO seat_usage_days_rebuilt WITH (TABLOCK) (tenant_id, day, seat_id, subscription_id, person_id, vendor_account_id, last_active_on, active,
    activity_reported, recorded_at)
SELECT tenant_id, day, seat_id, subscription_id, person_id, vendor_account_id, last_active_on, active, activity_reported, recorded_at
FROM seat_usage_days;
DROP TABLE seat_usage_days;
EXEC sp_rename N'seat_usage_days_rebuilt', N'seat_usage_days';
GO
CREATE INDEX ix_seat_usage_days_tenant_seat ON seat_usage_days (tenant_id, seat_id, day);
CREATE INDEX ix_seat_usage_days_day ON seat_usage_days (day);
CREATE INDEX ix_seat_usage_days_tenant_activity ON seat_usage_days (tenant_id, last_active_on, seat_id);
GO
CREATE TRIGGER dv_reconciliation_seat_usage_days ON seat_usage_days AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
