-- Issue 11 (feat/i11fx): the reconciliation read-ahead's pending removals seek a chunk's open transfer steps by subscription and
-- status instead of scanning every transfer step (see the SQLite migration of the same number).
CREATE INDEX ix_transfer_steps_subscription ON transfer_steps (subscription_id, status);
GO
