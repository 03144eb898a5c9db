-- The dispatcher's sweep (MailDispatcher.DueSql: the first due, unclaimed pending messages in queue order) walked
-- ix_mail_outbox_due (status, next_attempt_at), which finds every pending message that is due and then reads each one's
-- row for locked_until and sorts them all by seq, to send 20 (docs/performance.md, feat/i16rd). A filtered index of the
-- pending messages in queue order, with what the sweep filters on, lets it stop after its 20. ix_mail_outbox_due had no
-- other reader.
CREATE INDEX ix_mail_outbox_pending ON mail_outbox (seq) INCLUDE (next_attempt_at, locked_until) WHERE status = 'pending';
GO
DROP INDEX IF EXISTS ix_mail_outbox_due ON mail_outbox;
