-- When the account's member list was last read in full (API reading or CSV import). Kept once on the account instead of
-- rewriting read_at on every member row at each hourly reconciliation (docs/performance.md, reconciliation benchmark):
-- vendor_members.read_at now says when that row last changed. Existing accounts take their newest member row's time.
ALTER TABLE vendor_accounts ADD COLUMN members_read_at TEXT NULL;
UPDATE vendor_accounts SET members_read_at = (SELECT MAX(m.read_at) FROM vendor_members m WHERE m.vendor_account_id = vendor_accounts.id);
