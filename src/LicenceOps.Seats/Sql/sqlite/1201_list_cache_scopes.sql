-- Data-version scopes of the Seats module's cached lists (ADR 0034, on ADR 0033's data_versions). A scope's triggers
-- cover every table its list's response reads (page query and joins), whoever writes those rows (endpoint, consumer of
-- the Tenants events, workflow, job, demo seed, a hand-run statement):
--   seats          GET /api/tenants/{id}/seats          seats; subscriptions (plan code); people (Seats' copy: e-mail)
--   subscriptions  GET /api/tenants/{id}/subscriptions  subscriptions; catalogue_plans (plan terms, shared by tenants:
--                                                      a plan change bumps every tenant with a subscription on it)
CREATE TRIGGER dv_seats_seats_ins AFTER INSERT ON seats BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_seats_seats_upd AFTER UPDATE ON seats BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'seats', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_seats_seats_del AFTER DELETE ON seats BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_seats_subscriptions_ins AFTER INSERT ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_seats_subscriptions_upd AFTER UPDATE ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'seats', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_seats_subscriptions_del AFTER DELETE ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_seats_people_ins AFTER INSERT ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_seats_people_upd AFTER UPDATE ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'seats', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_seats_people_del AFTER DELETE ON people BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('seats', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_subscriptions_subscriptions_ins AFTER INSERT ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('subscriptions', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_subscriptions_subscriptions_upd AFTER UPDATE ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('subscriptions', NEW.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, tenant_id, version) SELECT 'subscriptions', OLD.tenant_id, 1 WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_subscriptions_subscriptions_del AFTER DELETE ON subscriptions BEGIN
    INSERT INTO data_versions (scope, tenant_id, version) VALUES ('subscriptions', OLD.tenant_id, 1)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_subscriptions_catalogue_plans_ins AFTER INSERT ON catalogue_plans BEGIN
    INSERT INTO data_versions (scope, tenant_id, version)
        SELECT DISTINCT 'subscriptions', tenant_id, 1 FROM subscriptions WHERE plan_code IN (NEW.code)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_subscriptions_catalogue_plans_upd AFTER UPDATE ON catalogue_plans BEGIN
    INSERT INTO data_versions (scope, tenant_id, version)
        SELECT DISTINCT 'subscriptions', tenant_id, 1 FROM subscriptions WHERE plan_code IN (OLD.code, NEW.code)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dv_subscriptions_catalogue_plans_del AFTER DELETE ON catalogue_plans BEGIN
    INSERT INTO data_versions (scope, tenant_id, version)
        SELECT DISTINCT 'subscriptions', tenant_id, 1 FROM subscriptions WHERE plan_code IN (OLD.code)
        ON CONFLICT (scope, tenant_id) DO UPDATE SET version = version + 1;
END;
