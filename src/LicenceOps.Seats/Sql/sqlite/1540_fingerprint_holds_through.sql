-- Issue 11 (ADR 0048): the last evaluation day through which a compared run's conclusions hold for unchanged
-- inputs (the day before the first time rule of the planner would flip: an activity passing the inactivity policy, an
-- invite growing stale, a verification growing old). A run on a later day compares again; before it, a run with the same
-- fingerprint and versions is confirmed whatever the day. NULL (rows stored before this migration): the next run compares.
ALTER TABLE reconciliation_fingerprints ADD COLUMN holds_through TEXT NULL;
