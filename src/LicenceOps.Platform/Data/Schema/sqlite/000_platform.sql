CREATE TABLE IF NOT EXISTS outbox_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    message_type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    dispatched_at TEXT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NULL,
    next_attempt_at TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_outbox_pending ON outbox_messages (dispatched_at, seq);

CREATE TABLE IF NOT EXISTS inbox_messages (
    message_id TEXT NOT NULL,
    consumer TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (message_id, consumer)
);

CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_display TEXT NOT NULL,
    tenant_id TEXT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_tenant ON audit_log (tenant_id, seq);
CREATE INDEX IF NOT EXISTS ix_audit_entity ON audit_log (entity_id, seq);
