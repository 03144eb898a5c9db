-- Issue 11 (ADR 0056): a subscription's usage on a day is one row, a "sheet", instead of one row per seat whose usage changed.
-- seats is a JSON array with one array per seat, in this order (the format both dialects read and write, docs/reconciliation.md):
--   [seat_id, person_id, last_active_on or null, active 1/0, activity_reported 1/0, since, earlier_activity or null]
-- GUIDs upper case, dates yyyy-MM-dd. since is the first day these values were observed (what a row's day meant, ADR 0044);
-- earlier_activity is the greatest last_active_on of the seat's values before since, so the greater of it and last_active_on
-- is what MAX(last_active_on) over the seat's rows gave (other tools' last activity).
-- A sheet holds every held seat of the subscription with a known state: the ones the run observed, the others carried over
-- from the sheet before. A seat's state on day D is its entry in its subscription's latest sheet dated on or before D.
-- Rows are large (about 110 bytes a seat), so the table keeps its rowid; the key is its unique index. (day) serves retention.
CREATE TABLE seat_usage_sheets (
    tenant_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    day TEXT NOT NULL,
    vendor_account_id TEXT NOT NULL,
    seats TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (tenant_id, subscription_id, day)
);
CREATE INDEX ix_seat_usage_sheets_day ON seat_usage_sheets (day);

-- Every (subscription, day) that has rows becomes a sheet holding, for each seat of the subscription, its latest row up to
-- that day (the seat's state then), except seats released before that day whose row is older (a run would not have
-- carried them). Each row is one entry whose since is the row's day, so every row stays readable.
INSERT INTO seat_usage_sheets (tenant_id, subscription_id, day, vendor_account_id, seats, recorded_at)
SELECT d.tenant_id, d.subscription_id, d.day, d.vendor_account_id,
       (SELECT json_group_array(json_array(u.seat_id, u.person_id, u.last_active_on, u.active, u.activity_reported, u.day,
                   (SELECT MAX(m.last_active_on) FROM seat_usage_days m WHERE m.tenant_id = u.tenant_id AND m.seat_id = u.seat_id AND m.day < u.day)))
        FROM seat_usage_days u
        WHERE u.tenant_id = d.tenant_id AND u.subscription_id = d.subscription_id
          AND u.day = (SELECT MAX(x.day) FROM seat_usage_days x WHERE x.tenant_id = u.tenant_id AND x.seat_id = u.seat_id AND x.day <= d.day)
          AND (u.day = d.day OR NOT EXISTS (SELECT 1 FROM seats s WHERE s.id = u.seat_id AND s.status = 'released' AND s.released_on < d.day))),
       d.recorded_at
FROM (SELECT tenant_id, subscription_id, day, MAX(vendor_account_id) AS vendor_account_id, MAX(recorded_at) AS recorded_at
      FROM seat_usage_days GROUP BY tenant_id, subscription_id, day) d;

-- DROP TABLE takes the rows' indexes and data-version triggers (migrations 1301, 1350) with it.
DROP TABLE seat_usage_days;

CREATE TRIGGER dv_reconciliation_seat_usage_sheets_ins AFTER INSERT ON seat_usage_sheets BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_seat_usage_sheets_upd AFTER UPDATE ON seat_usage_sheets BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_seat_usage_sheets_del AFTER DELETE ON seat_usage_sheets BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
