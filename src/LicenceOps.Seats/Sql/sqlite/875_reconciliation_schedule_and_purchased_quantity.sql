-- Issue 11: one Hangfire recurring job per vendor account, and the purchased quantity staff record for vendors whose API
-- does not report it.

-- Minutes between two scheduled reconciliations of this account; NULL = Seats:Reconciliation:IntervalMinutes (60).
-- scheduled_reconciliation = 0 turns the account's recurring job off (manual runs still work).
ALTER TABLE vendor_accounts ADD COLUMN reconcile_every_minutes INTEGER NULL;
ALTER TABLE vendor_accounts ADD COLUMN scheduled_reconciliation INTEGER NOT NULL DEFAULT 1;

-- The purchased quantity staff saw at the vendor (invoice, admin console) on a date. The latest observation stands for
-- the vendor's figure when the connector cannot read it; one older than the unverified limit is a finding.
CREATE TABLE purchased_quantity_observations (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    vendor_account_id TEXT NOT NULL REFERENCES vendor_accounts (id),
    quantity INTEGER NOT NULL,
    observed_on TEXT NOT NULL,
    source TEXT NOT NULL,
    reference TEXT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_purchased_quantity_observations_account ON purchased_quantity_observations (vendor_account_id, observed_on, recorded_at);
