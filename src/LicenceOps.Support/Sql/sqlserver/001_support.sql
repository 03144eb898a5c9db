-- Read copy of Tenants (fed by TenantProfileChanged, TenantEmailDomainsChanged and the person events):
-- who an inbound sender is, and which language a tenant is written to in.
CREATE TABLE support_tenants (
    tenant_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    legal_name NVARCHAR(400) NOT NULL,
    country_code NVARCHAR(2) NOT NULL,
    billing_email NVARCHAR(320) NOT NULL,
    status NVARCHAR(40) NOT NULL,
    profile_at DATETIMEOFFSET NOT NULL,
    domains_at DATETIMEOFFSET NULL
);

CREATE TABLE support_tenant_domains (
    domain NVARCHAR(255) NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL
);
CREATE INDEX ix_support_tenant_domains_tenant ON support_tenant_domains (tenant_id);

CREATE TABLE support_people (
    person_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    email NVARCHAR(320) NOT NULL,
    display_name NVARCHAR(400) NULL,
    status NVARCHAR(40) NOT NULL,
    occurred_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_support_people_email ON support_people (email);

CREATE TABLE support_sequences (
    name NVARCHAR(40) NOT NULL PRIMARY KEY,
    next_value BIGINT NOT NULL
);
INSERT INTO support_sequences (name, next_value) VALUES ('ticket', 1);

CREATE TABLE tickets (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    tenant_id UNIQUEIDENTIFIER NULL,
    subject NVARCHAR(1000) NOT NULL,
    requester_email NVARCHAR(320) NOT NULL,
    requester_name NVARCHAR(400) NULL,
    person_id UNIQUEIDENTIFIER NULL,
    seat_id UNIQUEIDENTIFIER NULL,
    category NVARCHAR(40) NOT NULL,
    priority NVARCHAR(20) NOT NULL,
    status NVARCHAR(40) NOT NULL,
    assigned_agent NVARCHAR(320) NULL,
    tags NVARCHAR(2000) NOT NULL,
    source NVARCHAR(40) NOT NULL,
    language NVARCHAR(5) NOT NULL,
    dedupe_key NVARCHAR(200) NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL,
    first_response_due DATETIMEOFFSET NOT NULL,
    first_response_at DATETIMEOFFSET NULL,
    resolution_due DATETIMEOFFSET NOT NULL,
    resolved_at DATETIMEOFFSET NULL,
    closed_at DATETIMEOFFSET NULL,
    waiting_since DATETIMEOFFSET NULL,
    sla_state NVARCHAR(20) NOT NULL,
    escalated_at DATETIMEOFFSET NULL,
    version INT NOT NULL
);
CREATE UNIQUE INDEX ux_tickets_dedupe ON tickets (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX ix_tickets_tenant ON tickets (tenant_id, number);
CREATE INDEX ix_tickets_status ON tickets (status, number);

CREATE TABLE ticket_messages (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    seq INT NOT NULL,
    ticket_id UNIQUEIDENTIFIER NOT NULL REFERENCES tickets (id),
    kind NVARCHAR(20) NOT NULL,
    author NVARCHAR(400) NOT NULL,
    from_address NVARCHAR(320) NULL,
    body_text NVARCHAR(MAX) NOT NULL,
    body_html NVARCHAR(MAX) NULL,
    message_id NVARCHAR(400) NULL,
    is_automatic BIT NOT NULL,
    created_at DATETIMEOFFSET NOT NULL
);
CREATE UNIQUE INDEX ux_ticket_messages_message_id ON ticket_messages (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX ix_ticket_messages_ticket ON ticket_messages (ticket_id, seq);

CREATE TABLE ticket_attachments (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    ticket_id UNIQUEIDENTIFIER NOT NULL REFERENCES tickets (id),
    message_id UNIQUEIDENTIFIER NOT NULL REFERENCES ticket_messages (id),
    file_name NVARCHAR(400) NOT NULL,
    content_type NVARCHAR(200) NOT NULL,
    size_bytes BIGINT NOT NULL,
    content VARBINARY(MAX) NOT NULL
);
CREATE INDEX ix_ticket_attachments_message ON ticket_attachments (message_id);
