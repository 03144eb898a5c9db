-- A tenant-scoped table in data-version scope "probe" (ADR 0033), with the trigger shape modules copy.
CREATE TABLE probe_items (id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY, tenant_id UNIQUEIDENTIFIER NOT NULL, name NVARCHAR(100) NOT NULL, version INT NOT NULL DEFAULT 1);
GO
CREATE TRIGGER dv_probe_probe_items ON probe_items AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE data_versions WITH (HOLDLOCK) AS target
    USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
    ON target.scope = N'probe' AND target.tenant_id = changed.tenant_id
    WHEN MATCHED THEN UPDATE SET version = target.version + 1
    WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'probe', changed.tenant_id, 1);
END
