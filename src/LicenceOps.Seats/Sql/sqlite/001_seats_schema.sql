CREATE TABLE catalogue_plans (
    code TEXT NOT NULL PRIMARY KEY,
    vendor_code TEXT NOT NULL,
    vendor_name TEXT NOT NULL,
    product_name TEXT NOT NULL,
    plan_name TEXT NOT NULL,
    list_price TEXT NOT NULL,
    price_currency TEXT NOT NULL,
    list_price_includes_vat INTEGER NOT NULL,
    billing_cycle TEXT NOT NULL,
    seats_reducible_before_renewal INTEGER NOT NULL,
    vendor_has_admin_api INTEGER NOT NULL,
    offboarding_data_rule TEXT NOT NULL,
    price_read_on TEXT NOT NULL,
    price_note TEXT NULL
);

CREATE TABLE subscriptions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    plan_code TEXT NOT NULL REFERENCES catalogue_plans (code),
    vendor_account_id TEXT NOT NULL,
    committed_quantity INTEGER NOT NULL,
    occupied_seats INTEGER NOT NULL,
    term_start TEXT NOT NULL,
    renewal_date TEXT NOT NULL,
    sale_price_per_seat_eur TEXT NULL,
    auto_increase_policy TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_subscriptions_tenant ON subscriptions (tenant_id);

CREATE TABLE subscription_changes (
    id TEXT NOT NULL PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    tenant_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    change_kind TEXT NOT NULL,
    previous_quantity INTEGER NOT NULL,
    new_quantity INTEGER NOT NULL,
    previous_sale_price_eur TEXT NULL,
    new_sale_price_eur TEXT NULL,
    effective_date TEXT NOT NULL,
    reason TEXT NULL,
    actor_id TEXT NOT NULL,
    actor_display TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_subscription_changes_subscription ON subscription_changes (subscription_id);

CREATE TABLE people (
    person_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    department_id TEXT NULL,
    status TEXT NOT NULL,
    end_date TEXT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_people_tenant ON people (tenant_id);

CREATE TABLE seats (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    person_id TEXT NOT NULL,
    status TEXT NOT NULL,
    assigned_on TEXT NOT NULL,
    released_on TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_seats_tenant ON seats (tenant_id);
CREATE INDEX ix_seats_person ON seats (person_id);
CREATE UNIQUE INDEX ux_seats_open_per_person ON seats (subscription_id, person_id) WHERE status <> 'released';

CREATE TABLE seat_history (
    id TEXT NOT NULL PRIMARY KEY,
    seat_id TEXT NOT NULL REFERENCES seats (id),
    tenant_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    from_status TEXT NULL,
    to_status TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_display TEXT NOT NULL,
    reason TEXT NULL,
    occurred_at TEXT NOT NULL
);
CREATE INDEX ix_seat_history_seat ON seat_history (seat_id);

CREATE TABLE seat_requests (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    person_id TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NULL,
    requested_by_id TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by_id TEXT NULL,
    decided_by TEXT NULL,
    decided_at TEXT NULL,
    decision_reason TEXT NULL,
    seat_id TEXT NULL
);
CREATE INDEX ix_seat_requests_tenant ON seat_requests (tenant_id);

CREATE TABLE seat_templates (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    department_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_seat_templates_entry ON seat_templates (tenant_id, department_id, subscription_id);

CREATE TABLE transfers (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    attention_reason TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT NULL
);
CREATE UNIQUE INDEX ux_transfers_dedupe ON transfers (dedupe_key);
CREATE INDEX ix_transfers_status ON transfers (status);

CREATE TABLE transfer_steps (
    id TEXT NOT NULL PRIMARY KEY,
    transfer_id TEXT NOT NULL REFERENCES transfers (id),
    tenant_id TEXT NOT NULL,
    lane INTEGER NOT NULL,
    step_order INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    seat_id TEXT NULL,
    data_rule TEXT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NULL,
    seat_request_id TEXT NULL,
    waiting_since TEXT NULL,
    last_reminder_at TEXT NULL,
    completed_at TEXT NULL,
    completed_by TEXT NULL
);
CREATE INDEX ix_transfer_steps_transfer ON transfer_steps (transfer_id);

CREATE TABLE manual_tasks (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    transfer_step_id TEXT NULL,
    person_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    vendor_code TEXT NOT NULL,
    action TEXT NOT NULL,
    instructions TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_by_id TEXT NULL,
    confirmed_by TEXT NULL,
    confirmed_at TEXT NULL
);
CREATE INDEX ix_manual_tasks_tenant ON manual_tasks (tenant_id);
CREATE INDEX ix_manual_tasks_step ON manual_tasks (transfer_step_id);
