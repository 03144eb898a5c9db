-- A tenant-scoped table in data-version scope "probe" (ADR 0033), with the trigger shape modules copy.
CREATE TABLE probe_items (id TEXT NOT NULL PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);

CREATE TRIGGER dv_probe_probe_items_ins AFTER INSERT ON probe_items BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('probe', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_probe_probe_items_upd AFTER UPDATE ON probe_items BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('probe', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'probe', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_probe_probe_items_del AFTER DELETE ON probe_items BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('probe', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
