-- Issue 11 (ADR 0036): data-version scope "reconciliation" (ADR 0033). Every table a reconciliation run reads for a tenant
-- bumps (reconciliation, tenant) on every insert, update and delete, so a run whose vendor reading and stored inputs are
-- unchanged since the last successful run can confirm it without reading seats, people, findings or usage again.
-- Shape copied from Platform/Data/Schema/sqlite/1150_data_versions.sql. Two deviations, both on purpose:
-- * findings: an update bumps only when a column the run reads changes (status, text, effect, subject...). A confirming run
--   moves last_seen_at/last_run_id on every live finding; bumping for that would make two accounts of one tenant invalidate
--   each other's confirmation on every run, and neither would ever skip.
-- * catalogue_plans and setting_baselines have no tenant: they bump the all-tenants row (tenant_id = the empty GUID), which
--   every fingerprint also records.
-- The account's own row (vendor_accounts) is not in the scope: the run re-reads it in its write transaction anyway (the
-- standing check) and its connection, vendor and name go into the fingerprint itself.

CREATE TRIGGER dv_reconciliation_subscriptions_ins AFTER INSERT ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_subscriptions_upd AFTER UPDATE ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_subscriptions_del AFTER DELETE ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_people_ins AFTER INSERT ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_people_upd AFTER UPDATE ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_people_del AFTER DELETE ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_seats_ins AFTER INSERT ON seats BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_seats_upd AFTER UPDATE ON seats BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_seats_del AFTER DELETE ON seats BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_seat_history_ins AFTER INSERT ON seat_history BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_seat_history_upd AFTER UPDATE ON seat_history BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_seat_history_del AFTER DELETE ON seat_history BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_transfers_ins AFTER INSERT ON transfers BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_transfers_upd AFTER UPDATE ON transfers BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_transfers_del AFTER DELETE ON transfers BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_transfer_steps_ins AFTER INSERT ON transfer_steps BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_transfer_steps_upd AFTER UPDATE ON transfer_steps BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_transfer_steps_del AFTER DELETE ON transfer_steps BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

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

CREATE TRIGGER dv_reconciliation_tenant_reconciliation_policies_ins AFTER INSERT ON tenant_reconciliation_policies BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_tenant_reconciliation_policies_upd AFTER UPDATE ON tenant_reconciliation_policies BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_tenant_reconciliation_policies_del AFTER DELETE ON tenant_reconciliation_policies BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_purchased_quantity_observations_ins AFTER INSERT ON purchased_quantity_observations BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_purchased_quantity_observations_upd AFTER UPDATE ON purchased_quantity_observations BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_purchased_quantity_observations_del AFTER DELETE ON purchased_quantity_observations BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_setting_observations_ins AFTER INSERT ON setting_observations BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_setting_observations_upd AFTER UPDATE ON setting_observations BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_setting_observations_del AFTER DELETE ON setting_observations BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

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

CREATE TRIGGER dv_reconciliation_findings_ins AFTER INSERT ON findings BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_findings_upd AFTER UPDATE ON findings
WHEN OLD.tenant_id IS NOT NEW.tenant_id
    OR OLD.kind IS NOT NEW.kind
    OR OLD.subject_key IS NOT NEW.subject_key
    OR OLD.status IS NOT NEW.status
    OR OLD.vendor_account_id IS NOT NEW.vendor_account_id
    OR OLD.vendor_code IS NOT NEW.vendor_code
    OR OLD.vendor_name IS NOT NEW.vendor_name
    OR OLD.subscription_id IS NOT NEW.subscription_id
    OR OLD.seat_id IS NOT NEW.seat_id
    OR OLD.person_id IS NOT NEW.person_id
    OR OLD.member_email IS NOT NEW.member_email
    OR OLD.summary IS NOT NEW.summary
    OR OLD.recommended_action IS NOT NEW.recommended_action
    OR OLD.needs_client IS NOT NEW.needs_client
    OR OLD.monthly_effect_cents IS NOT NEW.monthly_effect_cents
    OR OLD.effect_basis IS NOT NEW.effect_basis
BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_findings_del AFTER DELETE ON findings BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_catalogue_plans_ins AFTER INSERT ON catalogue_plans BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_catalogue_plans_upd AFTER UPDATE ON catalogue_plans BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_catalogue_plans_del AFTER DELETE ON catalogue_plans BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_reconciliation_setting_baselines_ins AFTER INSERT ON setting_baselines BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_setting_baselines_upd AFTER UPDATE ON setting_baselines BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_reconciliation_setting_baselines_del AFTER DELETE ON setting_baselines BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
