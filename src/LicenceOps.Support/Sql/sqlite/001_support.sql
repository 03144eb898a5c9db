-- Read copy of Tenants (fed by TenantProfileChanged, TenantEmailDomainsChanged and the person events):
-- who an inbound sender is, and which language a tenant is written to in.
CREATE TABLE support_tenants (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    legal_name TEXT NOT NULL,
    country_code TEXT NOT NULL,
    billing_email TEXT NOT NULL,
    status TEXT NOT NULL,
    profile_at TEXT NOT NULL,
    domains_at TEXT NULL
);

CREATE TABLE support_tenant_domains (
    domain TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL
);
CREATE INDEX ix_support_tenant_domains_tenant ON support_tenant_domains (tenant_id);

CREATE TABLE support_people (
    person_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    email TEXT NOT NULL,
    display_name TEXT NULL,
    status TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);
CREATE INDEX ix_support_people_email ON support_people (email);

CREATE TABLE support_sequences (
    name TEXT NOT NULL PRIMARY KEY,
    next_value INTEGER NOT NULL
);
INSERT INTO support_sequences (name, next_value) VALUES ('ticket', 1);

CREATE TABLE tickets (
    id TEXT NOT NULL PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    tenant_id TEXT NULL,
    subject TEXT NOT NULL,
    requester_email TEXT NOT NULL,
    requester_name TEXT NULL,
    person_id TEXT NULL,
    seat_id TEXT NULL,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    assigned_agent TEXT NULL,
    tags TEXT NOT NULL,
    source TEXT NOT NULL,
    language TEXT NOT NULL,
    dedupe_key TEXT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_response_due TEXT NOT NULL,
    first_response_at TEXT NULL,
    resolution_due TEXT NOT NULL,
    resolved_at TEXT NULL,
    closed_at TEXT NULL,
    waiting_since TEXT NULL,
    sla_state TEXT NOT NULL,
    escalated_at TEXT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX ix_tickets_tenant ON tickets (tenant_id, number);
CREATE INDEX ix_tickets_status ON tickets (status, number);

CREATE TABLE ticket_messages (
    id TEXT NOT NULL PRIMARY KEY,
    seq INTEGER NOT NULL,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    kind TEXT NOT NULL,
    author TEXT NOT NULL,
    from_address TEXT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NULL,
    message_id TEXT NULL UNIQUE,
    is_automatic INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_ticket_messages_ticket ON ticket_messages (ticket_id, seq);

CREATE TABLE ticket_attachments (
    id TEXT NOT NULL PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    message_id TEXT NOT NULL REFERENCES ticket_messages (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX ix_ticket_attachments_message ON ticket_attachments (message_id);
