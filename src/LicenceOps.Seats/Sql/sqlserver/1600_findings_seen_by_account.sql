-- Issue 11 (ADR 0055): a live finding seen again unchanged by a comparison is not rewritten. Its account records its last
-- compared run once (last_compared_at, last_compared_run_id: one row write per comparison instead of one per finding), and
-- the finding says that it follows it (seen_by_account = 1: every comparison of its account since its own last_seen_at /
-- last_run_id were written has seen it). The API shows the account's values for such a finding. A finding stops following
-- (seen_by_account = 0, its own columns frozen at the account's last comparison) when a comparison of its account does not
-- see it, when its status is set by hand or by an account's deletion, and when an observation recorded outside a run sees it.
-- A confirmed run (ADR 0036) writes neither: last seen stays the last comparison's.
-- Existing rows keep their own columns (seen_by_account = 0); the next comparison that sees one writes it once more.
ALTER TABLE vendor_accounts ADD last_compared_at DATETIMEOFFSET NULL, last_compared_run_id UNIQUEIDENTIFIER NULL;
GO
ALTER TABLE findings ADD seen_by_account BIT NOT NULL CONSTRAINT df_findings_seen_by_account DEFAULT 0;
GO
-- seen_by_account is read by a run (it decides whether a finding seen again needs a write), so a change of it outside a
-- run must move the data version (ADR 0036, 0052); a comparison changes it at most once per finding, not on every run.
-- vendor_accounts stays out of the scope (migration 1301): a comparison writes its last_compared_* on every run.
ALTER TRIGGER dv_reconciliation_findings ON findings AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (
        SELECT i.tenant_id FROM inserted i LEFT JOIN deleted d ON d.id = i.id
        WHERE d.id IS NULL OR EXISTS (SELECT i.tenant_id, i.kind, i.subject_key, i.status, i.vendor_account_id, i.vendor_code, i.vendor_name, i.subscription_id, i.seat_id, i.person_id, i.member_email, i.summary, i.recommended_action, i.needs_client, i.monthly_effect_cents, i.effect_basis, i.seen_by_account
                                      EXCEPT SELECT d.tenant_id, d.kind, d.subject_key, d.status, d.vendor_account_id, d.vendor_code, d.vendor_name, d.subscription_id, d.seat_id, d.person_id, d.member_email, d.summary, d.recommended_action, d.needs_client, d.monthly_effect_cents, d.effect_basis, d.seen_by_account)
        UNION
        SELECT d.tenant_id FROM deleted d LEFT JOIN inserted i ON i.id = d.id
        WHERE i.id IS NULL OR EXISTS (SELECT i.tenant_id, i.kind, i.subject_key, i.status, i.vendor_account_id, i.vendor_code, i.vendor_name, i.subscription_id, i.seat_id, i.person_id, i.member_email, i.summary, i.recommended_action, i.needs_client, i.monthly_effect_cents, i.effect_basis, i.seen_by_account
                                      EXCEPT SELECT d.tenant_id, d.kind, d.subject_key, d.status, d.vendor_account_id, d.vendor_code, d.vendor_name, d.subscription_id, d.seat_id, d.person_id, d.member_email, d.summary, d.recommended_action, d.needs_client, d.monthly_effect_cents, d.effect_basis, d.seen_by_account)
    ) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
