-- Data-version scopes of the Seats module's cached lists (ADR 0034, on ADR 0033's data_versions). A scope's triggers
-- cover every table its list's response reads (page query and joins), whoever writes those rows (endpoint, consumer of
-- the Tenants events, workflow, job, demo seed, a hand-run statement):
--   seats          GET /api/tenants/{id}/seats          seats; subscriptions (plan code); people (Seats' copy: e-mail)
--   subscriptions  GET /api/tenants/{id}/subscriptions  subscriptions; catalogue_plans (plan terms, shared by tenants:
--                                                      a plan change bumps every tenant with a subscription on it)
-- One trigger per (scope, table), each in its own batch.
CREATE TRIGGER dv_seats_seats ON seats AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'seats' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'seats', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_seats_subscriptions ON subscriptions AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'seats' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'seats', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_seats_people ON people AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'seats' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'seats', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_subscriptions_subscriptions ON subscriptions AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'subscriptions' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'subscriptions', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_subscriptions_catalogue_plans ON catalogue_plans AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT DISTINCT s.tenant_id FROM subscriptions s WHERE s.plan_code IN (SELECT code FROM inserted UNION SELECT code FROM deleted)) AS changed (tenant_id)
    ON target.scope = N'subscriptions' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'subscriptions', changed.tenant_id, 1);
END
