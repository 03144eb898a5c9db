-- Issue 11 (ADR 0049): an API connector's member list is read from the vendor on every run and no longer kept as rows; only
-- the CSV connector's imported export lives in vendor_members (it is that connector's reading). The rows of API-connected
-- accounts were read by no endpoint; members_hash (migration 1481) only let a run skip diffing them.
DELETE FROM vendor_members WHERE vendor_account_id IN (SELECT id FROM vendor_accounts WHERE connector <> 'csv');
ALTER TABLE vendor_accounts DROP COLUMN members_hash;
