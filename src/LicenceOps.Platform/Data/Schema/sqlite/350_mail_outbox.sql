-- Outgoing e-mail, queued in the same transaction as the business change that causes it (see Mail/MailQueue.cs).
CREATE TABLE IF NOT EXISTS mail_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    recipients TEXT NOT NULL,
    mail_subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until TEXT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS ix_mail_outbox_subject ON mail_outbox (subject_type, subject_id, seq);
