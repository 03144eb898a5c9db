-- When Billing received each seat change and terms version: a past invoice knew exactly the rows recorded before it
-- was drafted, so regularisation (Features/Invoicing/Regularisation.cs) finds late changes, events in flight included.
-- Older rows keep NULL and count as known when their own occurred_at was.
ALTER TABLE seat_changes ADD COLUMN recorded_at TEXT NULL;
ALTER TABLE subscription_terms ADD COLUMN recorded_at TEXT NULL;
