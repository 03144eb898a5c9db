-- Issue 11 (ADR 0055): a live finding seen again unchanged by a comparison is not rewritten. Its account records its last
-- compared run once (last_compared_at, last_compared_run_id: one row write per comparison instead of one per finding), and
-- the finding says that it follows it (seen_by_account = 1: every comparison of its account since its own last_seen_at /
-- last_run_id were written has seen it). The API shows the account's values for such a finding. A finding stops following
-- (seen_by_account = 0, its own columns frozen at the account's last comparison) when a comparison of its account does not
-- see it, when its status is set by hand or by an account's deletion, and when an observation recorded outside a run sees it.
-- A confirmed run (ADR 0036) writes neither: last seen stays the last comparison's.
-- Existing rows keep their own columns (seen_by_account = 0); the next comparison that sees one writes it once more.
ALTER TABLE vendor_accounts ADD COLUMN last_compared_at TEXT NULL;
ALTER TABLE vendor_accounts ADD COLUMN last_compared_run_id TEXT NULL;
ALTER TABLE findings ADD COLUMN seen_by_account INTEGER NOT NULL DEFAULT 0;

-- seen_by_account is read by a run (it decides whether a finding seen again needs a write), so a change of it outside a
-- run must move the data version (ADR 0036, 0052); a comparison changes it at most once per finding, not on every run.
-- vendor_accounts stays out of the scope (migration 1301): a comparison writes its last_compared_* on every run.
DROP TRIGGER dv_reconciliation_findings_upd;
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
    OR OLD.seen_by_account IS NOT NEW.seen_by_account
BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('reconciliation', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'reconciliation', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
