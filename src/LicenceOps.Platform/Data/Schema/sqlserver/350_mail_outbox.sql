-- Outgoing e-mail, queued in the same transaction as the business change that causes it (see Mail/MailQueue.cs).
CREATE TABLE mail_outbox (
    seq BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    id UNIQUEIDENTIFIER NOT NULL UNIQUE,
    tenant_id UNIQUEIDENTIFIER NULL,
    subject_type NVARCHAR(100) NOT NULL,
    subject_id UNIQUEIDENTIFIER NOT NULL,
    purpose NVARCHAR(100) NOT NULL,
    recipients NVARCHAR(2000) NOT NULL,
    mail_subject NVARCHAR(1000) NOT NULL,
    message_id NVARCHAR(400) NOT NULL,
    payload NVARCHAR(MAX) NOT NULL,
    status NVARCHAR(20) NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at DATETIMEOFFSET NOT NULL,
    locked_until DATETIMEOFFSET NULL,
    last_error NVARCHAR(MAX) NULL,
    created_at DATETIMEOFFSET NOT NULL,
    sent_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX ix_mail_outbox_subject ON mail_outbox (subject_type, subject_id, seq);
