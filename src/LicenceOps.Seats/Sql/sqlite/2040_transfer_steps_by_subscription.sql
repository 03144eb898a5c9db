-- Issue 11 (feat/i11fx): the reconciliation read-ahead reads each chunk's pending removals (ReconciliationInputs: transfer steps of
-- the chunk's subscriptions that hand over data or revoke access and are not done). transfer_steps had indexes by transfer and by
-- seat only, so that read scanned every transfer step of every tenant ever written, once per chunk of every comparison: nothing in
-- the bench (no transfers there), a full scan of a table that only grows in the product. By subscription and status, the read
-- seeks the chunk's open steps.
CREATE INDEX ix_transfer_steps_subscription ON transfer_steps (subscription_id, status);
