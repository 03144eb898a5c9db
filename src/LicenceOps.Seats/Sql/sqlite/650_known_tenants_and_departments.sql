-- Seats' read copies of the tenants and departments Tenants owns (TenantProfileChanged, DepartmentChanged), so that a
-- subscription cannot name a tenant that does not exist nor a seat template a department that does not exist.
CREATE TABLE known_tenants (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    status TEXT NOT NULL,
    profile_at TEXT NOT NULL
);

CREATE TABLE known_departments (
    department_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX ix_known_departments_tenant ON known_departments (tenant_id);

-- Data from before this copy existed is evidence enough: a tenant with people or subscriptions, a department with
-- people or a template. Dated at the epoch so the first real message from Tenants replaces them.
INSERT INTO known_tenants (tenant_id, status, profile_at)
SELECT tenant_id, 'active', '1970-01-01T00:00:00.0000000Z' FROM (
    SELECT tenant_id FROM people UNION SELECT tenant_id FROM subscriptions);

-- A department belongs to one tenant; should old data disagree, one row is kept rather than failing the upgrade.
INSERT INTO known_departments (department_id, tenant_id, name, changed_at)
SELECT department_id, tenant_id, '', '1970-01-01T00:00:00.0000000Z' FROM (
    SELECT department_id, tenant_id, ROW_NUMBER() OVER (PARTITION BY department_id ORDER BY tenant_id) AS n FROM (
        SELECT department_id, tenant_id FROM people WHERE department_id IS NOT NULL
        UNION SELECT department_id, tenant_id FROM seat_templates) AS evidence) AS ranked
WHERE n = 1;
