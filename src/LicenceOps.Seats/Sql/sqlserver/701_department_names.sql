-- Department names from Tenants' DepartmentNamed, for the usage reports (person events carry only the id).
CREATE TABLE department_names (
    department_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    name NVARCHAR(200) NOT NULL,
    named_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_department_names_tenant ON department_names (tenant_id);
