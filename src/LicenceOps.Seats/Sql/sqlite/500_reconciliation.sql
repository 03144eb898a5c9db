-- Reconciliation (issue 11): what each vendor account reports compared with what Seats records and bills.
-- Column names are relied on by usage reports (issue 12): see docs/reconciliation.md before renaming anything.

-- One reading of one vendor account. A failed run keeps its reason and changed nothing else.
CREATE TABLE reconciliation_runs (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    vendor_account_id TEXT NOT NULL REFERENCES vendor_accounts (id),
    trigger_kind TEXT NOT NULL,
    state TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NULL,
    failure_reason TEXT NULL,
    members_read INTEGER NOT NULL DEFAULT 0,
    seats_compared INTEGER NOT NULL DEFAULT 0,
    findings_opened INTEGER NOT NULL DEFAULT 0,
    findings_updated INTEGER NOT NULL DEFAULT 0,
    findings_closed INTEGER NOT NULL DEFAULT 0,
    seats_activated INTEGER NOT NULL DEFAULT 0,
    usage_rows INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_reconciliation_runs_account ON reconciliation_runs (vendor_account_id, started_at);
CREATE INDEX ix_reconciliation_runs_tenant ON reconciliation_runs (tenant_id, started_at);

-- One row per cause: (tenant, kind, subject key) is unique, so reruns update the row instead of adding one.
-- monthly_effect_cents is the monthly euro effect in euro cents (exact, rounded half away from zero to the cent);
-- effect_basis says how it was computed.
CREATE TABLE findings (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT NULL,
    status_changed_at TEXT NULL,
    status_changed_by TEXT NULL,
    vendor_account_id TEXT NULL,
    vendor_code TEXT NULL,
    vendor_name TEXT NULL,
    subscription_id TEXT NULL,
    seat_id TEXT NULL,
    person_id TEXT NULL,
    member_email TEXT NULL,
    summary TEXT NOT NULL,
    recommended_action TEXT NOT NULL,
    needs_client INTEGER NOT NULL,
    monthly_effect_cents INTEGER NOT NULL,
    effect_basis TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    first_run_id TEXT NULL,
    last_run_id TEXT NULL,
    opened_count INTEGER NOT NULL DEFAULT 1,
    closed_at TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_findings_cause ON findings (tenant_id, kind, subject_key);
CREATE INDEX ix_findings_effect ON findings (monthly_effect_cents, id);
CREATE INDEX ix_findings_tenant_effect ON findings (tenant_id, monthly_effect_cents, id);
CREATE INDEX ix_findings_account ON findings (vendor_account_id, status);

-- Usage snapshot: the vendor's last activity of each seat as read on each day (the day's last run wins).
-- active = the seat counted as in use on that day (activity within the tenant's inactivity policy).
CREATE TABLE seat_usage_days (
    seat_id TEXT NOT NULL,
    day TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    vendor_account_id TEXT NOT NULL,
    last_active_on TEXT NULL,
    active INTEGER NOT NULL,
    activity_reported INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (seat_id, day)
);
CREATE INDEX ix_seat_usage_days_tenant_day ON seat_usage_days (tenant_id, day);
CREATE INDEX ix_seat_usage_days_day ON seat_usage_days (day);

-- What reconciliation needs to know about a tenant: its e-mail domains (Tenants' TenantEmailDomainsChanged) and its
-- policies; a tenant without a row uses the defaults (30 days inactivity, 14 days for an unaccepted invite).
CREATE TABLE tenant_reconciliation_policies (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    email_domains TEXT NOT NULL,
    domains_at TEXT NULL,
    inactive_after_days INTEGER NOT NULL,
    stale_invite_after_days INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

-- Settings watch: the expected value of each security setting per vendor product, and what was observed per account.
CREATE TABLE setting_baselines (
    id TEXT NOT NULL PRIMARY KEY,
    vendor_code TEXT NOT NULL,
    setting_key TEXT NOT NULL,
    label TEXT NOT NULL,
    expected_value TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_setting_baselines_key ON setting_baselines (vendor_code, setting_key);

CREATE TABLE setting_observations (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    vendor_account_id TEXT NOT NULL REFERENCES vendor_accounts (id),
    setting_key TEXT NOT NULL,
    observed_value TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_setting_observations_account ON setting_observations (vendor_account_id, setting_key, observed_on);
