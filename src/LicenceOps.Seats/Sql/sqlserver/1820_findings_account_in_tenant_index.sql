-- Issue 11 (ADR 0069): an opened finding is written into four indexes besides its row instead of five. ix_findings_account
-- (vendor_account_id, status) served only two account-scoped statements: the vendor-account overview's count of open findings
-- per account (a staff page) and the closing of an account's findings when it is deleted. Both now also name the accounts'
-- tenants and read the tenant's index, which includes the account and the status so that the count is read from the index
-- alone. The tenant's list by euro effect (tenant_id, monthly_effect_cents, id) reads it as before.
DROP INDEX ix_findings_account ON findings;
GO
DROP INDEX ix_findings_tenant_effect ON findings;
GO
CREATE INDEX ix_findings_tenant_effect ON findings (tenant_id, monthly_effect_cents, id) INCLUDE (vendor_account_id, status);
GO
