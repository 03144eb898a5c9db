-- Department names from Tenants' DepartmentNamed, for the usage reports (person events carry only the id).
CREATE TABLE department_names (
    department_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    named_at TEXT NOT NULL
);
CREATE INDEX ix_department_names_tenant ON department_names (tenant_id);
