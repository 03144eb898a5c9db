-- Issue 11 (ADR 0044): a hash of the member list an account's vendor_members rows hold, set by MemberSnapshot.ReplaceAsync
-- (the only writer of those rows) in the same transaction. A reconciliation whose reading hashes the same skips reading and
-- diffing the stored rows: they already say exactly that. NULL (rows written before this migration): the rows are read.
ALTER TABLE vendor_accounts ADD COLUMN members_hash TEXT NULL;
