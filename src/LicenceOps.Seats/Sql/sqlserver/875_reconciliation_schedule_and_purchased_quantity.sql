-- Issue 11: one Hangfire recurring job per vendor account, and the purchased quantity staff record for vendors whose API
-- does not report it.

-- Minutes between two scheduled reconciliations of this account; NULL = Seats:Reconciliation:IntervalMinutes (60).
-- scheduled_reconciliation = 0 turns the account's recurring job off (manual runs still work).
ALTER TABLE vendor_accounts ADD reconcile_every_minutes INT NULL;
ALTER TABLE vendor_accounts ADD scheduled_reconciliation BIT NOT NULL CONSTRAINT df_vendor_accounts_scheduled_reconciliation DEFAULT 1;

-- The purchased quantity staff saw at the vendor (invoice, admin console) on a date. The latest observation stands for
-- the vendor's figure when the connector cannot read it; one older than the unverified limit is a finding.
CREATE TABLE purchased_quantity_observations (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    vendor_account_id UNIQUEIDENTIFIER NOT NULL REFERENCES vendor_accounts (id),
    quantity INT NOT NULL,
    observed_on DATE NOT NULL,
    source NVARCHAR(32) NOT NULL,
    reference NVARCHAR(200) NULL,
    recorded_by NVARCHAR(320) NOT NULL,
    recorded_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_purchased_quantity_observations_account ON purchased_quantity_observations (vendor_account_id, observed_on, recorded_at);
