CREATE TABLE catalogue_plans (
    code NVARCHAR(64) NOT NULL PRIMARY KEY,
    vendor_code NVARCHAR(64) NOT NULL,
    vendor_name NVARCHAR(320) NOT NULL,
    product_name NVARCHAR(320) NOT NULL,
    plan_name NVARCHAR(320) NOT NULL,
    list_price DECIMAL(19,4) NOT NULL,
    price_currency NVARCHAR(64) NOT NULL,
    list_price_includes_vat BIT NOT NULL,
    billing_cycle NVARCHAR(64) NOT NULL,
    seats_reducible_before_renewal BIT NOT NULL,
    vendor_has_admin_api BIT NOT NULL,
    offboarding_data_rule NVARCHAR(64) NOT NULL,
    price_read_on DATE NOT NULL,
    price_note NVARCHAR(2000) NULL
);

CREATE TABLE subscriptions (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    plan_code NVARCHAR(64) NOT NULL REFERENCES catalogue_plans (code),
    vendor_account_id NVARCHAR(320) NOT NULL,
    committed_quantity INT NOT NULL,
    occupied_seats INT NOT NULL,
    term_start DATE NOT NULL,
    renewal_date DATE NOT NULL,
    sale_price_per_seat_eur DECIMAL(19,4) NULL,
    auto_increase_policy NVARCHAR(64) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_subscriptions_tenant ON subscriptions (tenant_id);

CREATE TABLE subscription_changes (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    subscription_id UNIQUEIDENTIFIER NOT NULL REFERENCES subscriptions (id),
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    seq INT NOT NULL,
    change_kind NVARCHAR(64) NOT NULL,
    previous_quantity INT NOT NULL,
    new_quantity INT NOT NULL,
    previous_sale_price_eur DECIMAL(19,4) NULL,
    new_sale_price_eur DECIMAL(19,4) NULL,
    effective_date DATE NOT NULL,
    reason NVARCHAR(2000) NULL,
    actor_id NVARCHAR(320) NOT NULL,
    actor_display NVARCHAR(320) NOT NULL,
    recorded_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_subscription_changes_subscription ON subscription_changes (subscription_id);

CREATE TABLE people (
    person_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    email NVARCHAR(320) NOT NULL,
    display_name NVARCHAR(320) NOT NULL,
    department_id UNIQUEIDENTIFIER NULL,
    status NVARCHAR(64) NOT NULL,
    end_date DATE NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_people_tenant ON people (tenant_id);

CREATE TABLE seats (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    subscription_id UNIQUEIDENTIFIER NOT NULL REFERENCES subscriptions (id),
    person_id UNIQUEIDENTIFIER NOT NULL,
    status NVARCHAR(64) NOT NULL,
    assigned_on DATE NOT NULL,
    released_on DATE NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_seats_tenant ON seats (tenant_id);
CREATE INDEX ix_seats_person ON seats (person_id);
CREATE UNIQUE INDEX ux_seats_open_per_person ON seats (subscription_id, person_id) WHERE status <> 'released';

CREATE TABLE seat_history (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    seat_id UNIQUEIDENTIFIER NOT NULL REFERENCES seats (id),
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    seq INT NOT NULL,
    from_status NVARCHAR(64) NULL,
    to_status NVARCHAR(64) NOT NULL,
    actor_id NVARCHAR(320) NOT NULL,
    actor_display NVARCHAR(320) NOT NULL,
    reason NVARCHAR(2000) NULL,
    occurred_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_seat_history_seat ON seat_history (seat_id);

CREATE TABLE seat_requests (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    subscription_id UNIQUEIDENTIFIER NOT NULL REFERENCES subscriptions (id),
    person_id UNIQUEIDENTIFIER NOT NULL,
    status NVARCHAR(64) NOT NULL,
    note NVARCHAR(2000) NULL,
    requested_by_id NVARCHAR(320) NOT NULL,
    requested_by NVARCHAR(320) NOT NULL,
    requested_at DATETIMEOFFSET NOT NULL,
    decided_by_id NVARCHAR(320) NULL,
    decided_by NVARCHAR(320) NULL,
    decided_at DATETIMEOFFSET NULL,
    decision_reason NVARCHAR(2000) NULL,
    seat_id UNIQUEIDENTIFIER NULL
);
CREATE INDEX ix_seat_requests_tenant ON seat_requests (tenant_id);

CREATE TABLE seat_templates (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    department_id UNIQUEIDENTIFIER NOT NULL,
    subscription_id UNIQUEIDENTIFIER NOT NULL REFERENCES subscriptions (id),
    created_at DATETIMEOFFSET NOT NULL
);
CREATE UNIQUE INDEX ux_seat_templates_entry ON seat_templates (tenant_id, department_id, subscription_id);

CREATE TABLE transfers (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    person_id UNIQUEIDENTIFIER NOT NULL,
    kind NVARCHAR(64) NOT NULL,
    status NVARCHAR(64) NOT NULL,
    dedupe_key NVARCHAR(320) NOT NULL,
    attention_reason NVARCHAR(2000) NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL,
    completed_at DATETIMEOFFSET NULL
);
CREATE UNIQUE INDEX ux_transfers_dedupe ON transfers (dedupe_key);
CREATE INDEX ix_transfers_status ON transfers (status);

CREATE TABLE transfer_steps (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    transfer_id UNIQUEIDENTIFIER NOT NULL REFERENCES transfers (id),
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    lane INT NOT NULL,
    step_order INT NOT NULL,
    kind NVARCHAR(64) NOT NULL,
    subscription_id UNIQUEIDENTIFIER NOT NULL,
    seat_id UNIQUEIDENTIFIER NULL,
    data_rule NVARCHAR(64) NULL,
    status NVARCHAR(64) NOT NULL,
    attempts INT NOT NULL,
    next_attempt_at DATETIMEOFFSET NOT NULL,
    last_error NVARCHAR(2000) NULL,
    seat_request_id UNIQUEIDENTIFIER NULL,
    waiting_since DATETIMEOFFSET NULL,
    last_reminder_at DATETIMEOFFSET NULL,
    completed_at DATETIMEOFFSET NULL,
    completed_by NVARCHAR(320) NULL
);
CREATE INDEX ix_transfer_steps_transfer ON transfer_steps (transfer_id);

CREATE TABLE manual_tasks (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    transfer_step_id UNIQUEIDENTIFIER NULL,
    person_id UNIQUEIDENTIFIER NOT NULL,
    subscription_id UNIQUEIDENTIFIER NOT NULL,
    vendor_code NVARCHAR(64) NOT NULL,
    action NVARCHAR(64) NOT NULL,
    instructions NVARCHAR(2000) NOT NULL,
    status NVARCHAR(64) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    confirmed_by_id NVARCHAR(320) NULL,
    confirmed_by NVARCHAR(320) NULL,
    confirmed_at DATETIMEOFFSET NULL
);
CREATE INDEX ix_manual_tasks_tenant ON manual_tasks (tenant_id);
CREATE INDEX ix_manual_tasks_step ON manual_tasks (transfer_step_id);
