CREATE TABLE outbox_messages (
    seq BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    id UNIQUEIDENTIFIER NOT NULL UNIQUE,
    message_type NVARCHAR(400) NOT NULL,
    body NVARCHAR(MAX) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    dispatched_at DATETIMEOFFSET NULL,
    attempts INT NOT NULL DEFAULT 0,
    last_error NVARCHAR(MAX) NULL,
    next_attempt_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_outbox_pending ON outbox_messages (dispatched_at, seq);

CREATE TABLE inbox_messages (
    message_id UNIQUEIDENTIFIER NOT NULL,
    consumer NVARCHAR(200) NOT NULL,
    processed_at DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_inbox_messages PRIMARY KEY (message_id, consumer)
);

CREATE TABLE audit_log (
    seq BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    id UNIQUEIDENTIFIER NOT NULL UNIQUE,
    occurred_at DATETIMEOFFSET NOT NULL,
    actor_id NVARCHAR(200) NOT NULL,
    actor_display NVARCHAR(320) NOT NULL,
    tenant_id UNIQUEIDENTIFIER NULL,
    entity_type NVARCHAR(100) NOT NULL,
    entity_id UNIQUEIDENTIFIER NOT NULL,
    action NVARCHAR(100) NOT NULL,
    changes NVARCHAR(MAX) NULL
);
CREATE INDEX ix_audit_tenant ON audit_log (tenant_id, seq);
CREATE INDEX ix_audit_entity ON audit_log (entity_id, seq);
