-- The dispatcher's sweep (MailDispatcher.DueSql: the first due, unclaimed pending messages in queue order) walked
-- ix_mail_outbox_due (status, next_attempt_at), which finds every pending message that is due and then reads each one's
-- row for locked_until and sorts them all by seq, to send 20. A row is the whole message (about 3 KB, one page each), so
-- with an invoice run's mails queued faster than they are sent every sweep read the whole backlog back: 22 page reads per
-- invoice at 10,000 tenants (docs/performance.md, feat/i16rd). This index holds the pending messages only, in queue order,
-- with what the sweep filters on: the sweep reads index entries until it has its 20 and then only those 20 rows. Sent and
-- failed messages leave it. ix_mail_outbox_due had no other reader.
CREATE INDEX IF NOT EXISTS ix_mail_outbox_pending ON mail_outbox (seq, next_attempt_at, locked_until) WHERE status = 'pending';
DROP INDEX IF EXISTS ix_mail_outbox_due;
