-- Data-version scopes of the Tenants module's cached lists (ADR 0034, on ADR 0033's data_versions). A scope's
-- triggers cover every table its list's response reads, so any writer of those rows (endpoint, consumer, job, demo
-- seed, a hand-run statement) moves the version the list cache keys on:
--   people      GET /api/tenants/{id}/people       people; tenants (an empty page checks the tenant exists)
--   departments GET /api/tenants/{id}/departments  departments; tenants (existence check)
--   tenants     GET /api/tenants                   tenants, tenant_domains; across tenants, so every change bumps the
--                                                  one row of the all-zero tenant id (ListCachePolicy.AcrossTenants)
-- On the tenants table the row's tenant is its id.
CREATE TRIGGER dv_people_people_ins AFTER INSERT ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_people_people_upd AFTER UPDATE ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'people', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_people_people_del AFTER DELETE ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_people_tenants_ins AFTER INSERT ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', NEW.id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_people_tenants_upd AFTER UPDATE ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', NEW.id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'people', OLD.id, 1 WHERE OLD.id IS NOT NEW.id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_people_tenants_del AFTER DELETE ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('people', OLD.id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_departments_departments_ins AFTER INSERT ON departments BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('departments', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_departments_departments_upd AFTER UPDATE ON departments BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('departments', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'departments', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_departments_departments_del AFTER DELETE ON departments BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('departments', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_departments_tenants_ins AFTER INSERT ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('departments', NEW.id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_departments_tenants_upd AFTER UPDATE ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('departments', NEW.id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'departments', OLD.id, 1 WHERE OLD.id IS NOT NEW.id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_departments_tenants_del AFTER DELETE ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('departments', OLD.id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_tenants_tenants_ins AFTER INSERT ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('tenants', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_tenants_tenants_upd AFTER UPDATE ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('tenants', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_tenants_tenants_del AFTER DELETE ON tenants BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('tenants', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER dv_tenants_tenant_domains_ins AFTER INSERT ON tenant_domains BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('tenants', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_tenants_tenant_domains_upd AFTER UPDATE ON tenant_domains BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('tenants', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_tenants_tenant_domains_del AFTER DELETE ON tenant_domains BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('tenants', '00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
