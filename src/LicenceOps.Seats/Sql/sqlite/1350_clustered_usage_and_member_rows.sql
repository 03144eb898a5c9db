-- Issue 11 (ADR 0038): the two tables a reconciliation writes a row into per seat or member are rebuilt with clustered keys,
-- data preserved. Before, each usage row landed in five B-trees (the rowid table, the (seat_id, day) key, three indexes), most
-- on pages spread by random seat ids, and each member row in three.
-- * seat_usage_days is keyed (tenant_id, day, seat_id) WITHOUT ROWID: a tenant's day is one run of adjacent rows, and the
--   (tenant_id, day) index is that key's prefix. Reads by seat go through (tenant_id, seat_id, day), which keeps a tenant's
--   rows together too; (day) stays for the retention job (new days append at its end).
-- * vendor_members keeps its key (vendor_account_id, email), now WITHOUT ROWID: an account's members are adjacent rows.
-- DROP TABLE takes the data-version triggers of migration 1301 with it: they are created again, unchanged, below
-- (DataVersionsKit checks the scope still covers both tables).

CREATE TABLE seat_usage_days_rebuilt (
    tenant_id TEXT NOT NULL,
    day TEXT NOT NULL,
    seat_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    vendor_account_id TEXT NOT NULL,
    last_active_on TEXT NULL,
    active INTEGER NOT NULL,
    activity_reported INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, day, seat_id)
) WITHOUT ROWID;
INSERT INTO seat_usage_days_rebuilt (tenant_id, day, seat_id, subscription_id, person_id, vendor_account_id, last_active_on, active,
    activity_reported, recorded_at)
SELECT tenant_id, day, seat_id, subscription_id, person_id, vendor_account_id, last_active_on, active, activity_reported, recorded_at
FROM seat_usage_days;
DROP TABLE seat_usage_days;
ALTER TABLE seat_usage_days_rebuilt RENAME TO seat_usage_days;
CREATE INDEX ix_seat_usage_days_tenant_seat ON seat_usage_days (tenant_id, seat_id, day);
CREATE INDEX ix_seat_usage_days_day ON seat_usage_days (day);
CREATE INDEX ix_seat_usage_days_tenant_activity ON seat_usage_days (tenant_id, last_active_on, seat_id);

CREATE TRIGGER dv_reconciliation_seat_usage_days_ins AFTER INSERT ON seat_usage_days BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_seat_usage_days_upd AFTER UPDATE ON seat_usage_days BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_seat_usage_days_del AFTER DELETE ON seat_usage_days BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TABLE vendor_members_rebuilt (
    vendor_account_id TEXT NOT NULL REFERENCES vendor_accounts (id),
    email TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    external_id TEXT NULL,
    display_name TEXT NULL,
    role TEXT NULL,
    status TEXT NOT NULL,
    joined_on TEXT NULL,
    last_active_on TEXT NULL,
    source TEXT NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (vendor_account_id, email)
) WITHOUT ROWID;
INSERT INTO vendor_members_rebuilt (vendor_account_id, email, tenant_id, external_id, display_name, role, status, joined_on, last_active_on,
    source, read_at)
SELECT vendor_account_id, email, tenant_id, external_id, display_name, role, status, joined_on, last_active_on, source, read_at
FROM vendor_members;
DROP TABLE vendor_members;
ALTER TABLE vendor_members_rebuilt RENAME TO vendor_members;
CREATE INDEX ix_vendor_members_tenant ON vendor_members (tenant_id);

CREATE TRIGGER dv_reconciliation_vendor_members_ins AFTER INSERT ON vendor_members BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_vendor_members_upd AFTER UPDATE ON vendor_members BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_vendor_members_del AFTER DELETE ON vendor_members BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
