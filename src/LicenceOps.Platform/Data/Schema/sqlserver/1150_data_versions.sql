-- Per-tenant data versions (ADR 0033). A "scope" names a set of tables; row triggers declared by the module that owns
-- those tables bump (scope, tenant_id) on every insert, update and delete, whoever writes: an endpoint, a consumer, a
-- job, the demo seed or a hand-run statement. A reader that remembers the version it saw can later tell, with one
-- primary-key read, whether anything of that tenant in the scope changed since (response caches, skipped re-reads).
-- No row means version 0; versions only grow.
IF OBJECT_ID(N'data_versions', N'U') IS NULL
CREATE TABLE data_versions (
    scope NVARCHAR(64) NOT NULL,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT pk_data_versions PRIMARY KEY (scope, tenant_id)
);

-- The shape of a scope's trigger, for a table "people" in scope "people" (the module's own migration declares it,
-- named dv_<scope>_<table>, in a batch of its own after a GO line). SET NOCOUNT ON keeps the trigger's rows out of the
-- affected-row count that conditional updates check. One statement-level trigger covers insert, update and delete:
-- "inserted" and "deleted" hold the new and old rows, so a row moved to another tenant bumps both tenants.
--
-- CREATE TRIGGER dv_people_people ON people AFTER INSERT, UPDATE, DELETE AS
-- BEGIN
--     SET NOCOUNT ON;
--     MERGE data_versions WITH (HOLDLOCK) AS target
--     USING (SELECT tenant_id FROM inserted UNION SELECT tenant_id FROM deleted) AS changed (tenant_id)
--     ON target.scope = N'people' AND target.tenant_id = changed.tenant_id
--     WHEN MATCHED THEN UPDATE SET version = target.version + 1
--     WHEN NOT MATCHED THEN INSERT (scope, tenant_id, version) VALUES (N'people', changed.tenant_id, 1);
-- END
