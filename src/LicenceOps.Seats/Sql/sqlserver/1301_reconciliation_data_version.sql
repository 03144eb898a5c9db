-- Issue 11 (ADR 0036): data-version scope "reconciliation" (ADR 0033). Every table a reconciliation run reads for a tenant
-- bumps (reconciliation, tenant) on every insert, update and delete, so a run whose vendor reading and stored inputs are
-- unchanged since the last successful run can confirm it without reading seats, people, findings or usage again.
-- Shape copied from Platform/Data/Schema/sqlserver/1150_data_versions.sql. Two deviations, both on purpose:
-- * findings: an update bumps only when a column the run reads changes (status, text, effect, subject...). A confirming run
--   moves last_seen_at/last_run_id on every live finding; bumping for that would make two accounts of one tenant invalidate
--   each other's confirmation on every run, and neither would ever skip.
-- * catalogue_plans and setting_baselines have no tenant: they bump the all-tenants row (tenant_id = the empty GUID), which
--   every fingerprint also records.
-- The account's own row (vendor_accounts) is not in the scope: the run re-reads it in its write transaction anyway (the
-- standing check) and its connection, vendor and name go into the fingerprint itself.

GO
CREATE TRIGGER dv_reconciliation_subscriptions ON subscriptions AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_people ON people AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_seats ON seats AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_seat_history ON seat_history AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_transfers ON transfers AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_transfer_steps ON transfer_steps AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
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
GO
CREATE TRIGGER dv_reconciliation_tenant_reconciliation_policies ON tenant_reconciliation_policies AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_purchased_quantity_observations ON purchased_quantity_observations AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_setting_observations ON setting_observations AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_vendor_members ON vendor_members AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
-- Only rows whose read columns changed (or were inserted or deleted) count; see the note at the top.
CREATE TRIGGER dv_reconciliation_findings ON findings AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (
        SELECT i.tenant_id FROM inserted i LEFT JOIN deleted d ON d.id = i.id
        WHERE d.id IS NULL OR EXISTS (SELECT i.tenant_id, i.kind, i.subject_key, i.status, i.vendor_account_id, i.vendor_code, i.vendor_name, i.subscription_id, i.seat_id, i.person_id, i.member_email, i.summary, i.recommended_action, i.needs_client, i.monthly_effect_cents, i.effect_basis
                                      EXCEPT SELECT d.tenant_id, d.kind, d.subject_key, d.status, d.vendor_account_id, d.vendor_code, d.vendor_name, d.subscription_id, d.seat_id, d.person_id, d.member_email, d.summary, d.recommended_action, d.needs_client, d.monthly_effect_cents, d.effect_basis)
        UNION
        SELECT d.tenant_id FROM deleted d LEFT JOIN inserted i ON i.id = d.id
        WHERE i.id IS NULL OR EXISTS (SELECT i.tenant_id, i.kind, i.subject_key, i.status, i.vendor_account_id, i.vendor_code, i.vendor_name, i.subscription_id, i.seat_id, i.person_id, i.member_email, i.summary, i.recommended_action, i.needs_client, i.monthly_effect_cents, i.effect_basis
                                      EXCEPT SELECT d.tenant_id, d.kind, d.subject_key, d.status, d.vendor_account_id, d.vendor_code, d.vendor_name, d.subscription_id, d.seat_id, d.person_id, d.member_email, d.summary, d.recommended_action, d.needs_client, d.monthly_effect_cents, d.effect_basis)
    ) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_catalogue_plans ON catalogue_plans AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    IF NOT EXISTS (SELECT 1 FROM inserted) AND NOT EXISTS (SELECT 1 FROM deleted) RETURN;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT CAST('00000000-0000-0000-0000-000000000000' AS UNIQUEIDENTIFIER)) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_reconciliation_setting_baselines ON setting_baselines AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    IF NOT EXISTS (SELECT 1 FROM inserted) AND NOT EXISTS (SELECT 1 FROM deleted) RETURN;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT CAST('00000000-0000-0000-0000-000000000000' AS UNIQUEIDENTIFIER)) AS changed (tenant_id)
    ON target.scope = N'reconciliation' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'reconciliation', changed.tenant_id, 1);
END
