-- Per-tenant data versions (ADR 0033). A "scope" names a set of tables; row triggers declared by the module that owns
-- those tables bump (scope, tenant_id) on every insert, update and delete, whoever writes: an endpoint, a consumer, a
-- job, the demo seed or a hand-run statement. A reader that remembers the version it saw can later tell, with one
-- primary-key read, whether anything of that tenant in the scope changed since (response caches, skipped re-reads).
-- No row means version 0; versions only grow.
CREATE TABLE IF NOT EXISTS data_versions (
    scope TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (scope, tenant_id)
) WITHOUT ROWID;

-- The shape of a scope's triggers, for a table "people" in scope "people" (the module's own migration declares them;
-- names dv_<scope>_<table>_ins|upd|del, which DataVersionsKit checks in tests). The WHERE in the INSERT … SELECT is
-- SQLite's required guard against the upsert parsing ambiguity. An update that moves a row to another tenant bumps both.
--
-- CREATE TRIGGER dv_people_people_ins AFTER INSERT ON people BEGIN
--     INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', NEW.tenant_id, 1)
--         ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
-- END;
-- CREATE TRIGGER dv_people_people_upd AFTER UPDATE ON people BEGIN
--     INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', NEW.tenant_id, 1)
--         ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
--     INSERT INTO data_versions (scope, tenant_id, version) SELECT 'people', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
--         ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
-- END;
-- CREATE TRIGGER dv_people_people_del AFTER DELETE ON people BEGIN
--     INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', OLD.tenant_id, 1)
--         ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
-- END;
