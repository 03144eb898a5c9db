-- The vendor's own id of the member holding a seat, when known (a client's existing estate imported from CSV).
ALTER TABLE seats ADD COLUMN vendor_member_id TEXT NULL;
