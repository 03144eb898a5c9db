-- Issue 11 (ADR 0056): a subscription's usage on a day is one row, a "sheet", instead of one row per seat whose usage changed.
-- seats is a JSON array with one array per seat, in this order (the format both dialects read and write, docs/reconciliation.md):
--   [seat_id, person_id, last_active_on or null, active 1/0, activity_reported 1/0, since, earlier_activity or null]
-- GUIDs upper case, dates yyyy-MM-dd. since is the first day these values were observed (what a row's day meant, ADR 0044);
-- earlier_activity is the greatest last_active_on of the seat's values before since. Read with OPENJSON (paths '$[0]' …);
-- written as text by the runner, and here with STRING_AGG (FOR JSON writes objects, not arrays).
-- A sheet holds every held seat of the subscription with a known state: the ones the run observed, the others carried over
-- from the sheet before. A seat's state on day D is its entry in its subscription's latest sheet dated on or before D.
CREATE TABLE seat_usage_sheets (
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    subscription_id UNIQUEIDENTIFIER NOT NULL,
    day DATE NOT NULL,
    vendor_account_id UNIQUEIDENTIFIER NOT NULL,
    seats NVARCHAR(MAX) NOT NULL,
    recorded_at DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_seat_usage_sheets PRIMARY KEY CLUSTERED (tenant_id, subscription_id, day)
);
CREATE INDEX ix_seat_usage_sheets_day ON seat_usage_sheets (day);
GO

-- Every (subscription, day) that has rows becomes a sheet holding, for each seat of the subscription, its latest row up to
-- that day, except seats released before that day whose row is older. Each row is one entry whose since is the row's day.
INSERT INTO seat_usage_sheets WITH (TABLOCK) (tenant_id, subscription_id, day, vendor_account_id, seats, recorded_at)
SELECT d.tenant_id, d.subscription_id, d.day, CONVERT(UNIQUEIDENTIFIER, d.vendor_account_id),
       (SELECT N'[' + STRING_AGG(CAST(e.entry AS NVARCHAR(MAX)), N',') + N']'
        FROM seat_usage_days u
        OUTER APPLY (SELECT MAX(m.last_active_on) AS earlier FROM seat_usage_days m
                     WHERE m.tenant_id = u.tenant_id AND m.seat_id = u.seat_id AND m.day < u.day) b
        CROSS APPLY (SELECT CONCAT(N'["', CONVERT(char(36), u.seat_id), N'","', CONVERT(char(36), u.person_id), N'",',
                         COALESCE(N'"' + CONVERT(char(10), u.last_active_on, 23) + N'"', N'null'), N',', CAST(u.active AS int), N',',
                         CAST(u.activity_reported AS int), N',"', CONVERT(char(10), u.day, 23), N'",',
                         COALESCE(N'"' + CONVERT(char(10), b.earlier, 23) + N'"', N'null'), N']') AS entry) e
        WHERE u.tenant_id = d.tenant_id AND u.subscription_id = d.subscription_id
          AND u.day = (SELECT MAX(x.day) FROM seat_usage_days x WHERE x.tenant_id = u.tenant_id AND x.seat_id = u.seat_id AND x.day <= d.day)
          AND (u.day = d.day OR NOT EXISTS (SELECT 1 FROM seats s WHERE s.id = u.seat_id AND s.status = N'released' AND s.released_on < d.day))),
       d.recorded_at
FROM (SELECT tenant_id, subscription_id, day, MAX(CONVERT(char(36), vendor_account_id)) AS vendor_account_id, MAX(recorded_at) AS recorded_at
      FROM seat_usage_days GROUP BY tenant_id, subscription_id, day) d;
GO

-- DROP TABLE takes the rows' indexes and data-version trigger (migrations 1301, 1350) with it.
DROP TABLE seat_usage_days;
GO

CREATE TRIGGER dv_reconciliation_seat_usage_sheets ON seat_usage_sheets AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
