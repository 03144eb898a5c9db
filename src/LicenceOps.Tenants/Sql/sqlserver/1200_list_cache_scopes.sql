-- Data-version scopes of the Tenants module's cached lists (ADR 0034, on ADR 0033's data_versions). A scope's
-- triggers cover every table its list's response reads, so any writer of those rows (endpoint, consumer, job, demo
-- seed, a hand-run statement) moves the version the list cache keys on:
--   people      GET /api/tenants/{id}/people       people; tenants (an empty page checks the tenant exists)
--   departments GET /api/tenants/{id}/departments  departments; tenants (existence check)
--   tenants     GET /api/tenants                   tenants, tenant_domains; across tenants, so every change bumps the
--                                                  one row of the all-zero tenant id (ListCachePolicy.AcrossTenants)
-- On the tenants table the row's tenant is its id. One trigger per (scope, table), each in its own batch.
CREATE TRIGGER dv_people_people ON people AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'people' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'people', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_people_tenants ON tenants AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT id FROM inserted UNION SELECT id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'people' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'people', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_departments_departments ON departments AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'departments' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'departments', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_departments_tenants ON tenants AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT id FROM inserted UNION SELECT id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'departments' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'departments', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_tenants_tenants ON tenants AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT CAST('00000000-0000-0000-0000-000000000000' AS UNIQUEIDENTIFIER) WHERE EXISTS (SELECT 1 FROM inserted) OR EXISTS (SELECT 1 FROM deleted)) AS changed (tenant_id)
    ON target.scope = N'tenants' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'tenants', changed.tenant_id, 1);
END
GO
CREATE TRIGGER dv_tenants_tenant_domains ON tenant_domains AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT CAST('00000000-0000-0000-0000-000000000000' AS UNIQUEIDENTIFIER) WHERE EXISTS (SELECT 1 FROM inserted) OR EXISTS (SELECT 1 FROM deleted)) AS changed (tenant_id)
    ON target.scope = N'tenants' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'tenants', changed.tenant_id, 1);
END
