-- Reconciliation (issue 11): what each vendor account reports compared with what Seats records and bills.
-- Column names are relied on by usage reports (issue 12): see docs/reconciliation.md before renaming anything.

CREATE TABLE reconciliation_runs (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    vendor_account_id UNIQUEIDENTIFIER NOT NULL REFERENCES vendor_accounts (id),
    trigger_kind NVARCHAR(64) NOT NULL,
    state NVARCHAR(64) NOT NULL,
    started_at DATETIMEOFFSET NOT NULL,
    finished_at DATETIMEOFFSET NULL,
    failure_reason NVARCHAR(4000) NULL,
    members_read INT NOT NULL DEFAULT 0,
    seats_compared INT NOT NULL DEFAULT 0,
    findings_opened INT NOT NULL DEFAULT 0,
    findings_updated INT NOT NULL DEFAULT 0,
    findings_closed INT NOT NULL DEFAULT 0,
    seats_activated INT NOT NULL DEFAULT 0,
    usage_rows INT NOT NULL DEFAULT 0
);
CREATE INDEX ix_reconciliation_runs_account ON reconciliation_runs (vendor_account_id, started_at);
CREATE INDEX ix_reconciliation_runs_tenant ON reconciliation_runs (tenant_id, started_at);

CREATE TABLE findings (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    kind NVARCHAR(64) NOT NULL,
    subject_key NVARCHAR(400) NOT NULL,
    status NVARCHAR(64) NOT NULL,
    status_reason NVARCHAR(2000) NULL,
    status_changed_at DATETIMEOFFSET NULL,
    status_changed_by NVARCHAR(320) NULL,
    vendor_account_id UNIQUEIDENTIFIER NULL,
    vendor_code NVARCHAR(64) NULL,
    vendor_name NVARCHAR(320) NULL,
    subscription_id UNIQUEIDENTIFIER NULL,
    seat_id UNIQUEIDENTIFIER NULL,
    person_id UNIQUEIDENTIFIER NULL,
    member_email NVARCHAR(320) NULL,
    summary NVARCHAR(2000) NOT NULL,
    recommended_action NVARCHAR(2000) NOT NULL,
    needs_client BIT NOT NULL,
    monthly_effect_cents BIGINT NOT NULL,
    effect_basis NVARCHAR(2000) NOT NULL,
    first_seen_at DATETIMEOFFSET NOT NULL,
    last_seen_at DATETIMEOFFSET NOT NULL,
    first_run_id UNIQUEIDENTIFIER NULL,
    last_run_id UNIQUEIDENTIFIER NULL,
    opened_count INT NOT NULL DEFAULT 1,
    closed_at DATETIMEOFFSET NULL,
    created_at DATETIMEOFFSET NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
CREATE UNIQUE INDEX ux_findings_cause ON findings (tenant_id, kind, subject_key);
CREATE INDEX ix_findings_effect ON findings (monthly_effect_cents, id);
CREATE INDEX ix_findings_tenant_effect ON findings (tenant_id, monthly_effect_cents, id);
CREATE INDEX ix_findings_account ON findings (vendor_account_id, status);

CREATE TABLE seat_usage_days (
    seat_id UNIQUEIDENTIFIER NOT NULL,
    day DATE NOT NULL,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    subscription_id UNIQUEIDENTIFIER NOT NULL,
    person_id UNIQUEIDENTIFIER NOT NULL,
    vendor_account_id UNIQUEIDENTIFIER NOT NULL,
    last_active_on DATE NULL,
    active BIT NOT NULL,
    activity_reported BIT NOT NULL,
    recorded_at DATETIMEOFFSET NOT NULL,
    PRIMARY KEY (seat_id, day)
);
CREATE INDEX ix_seat_usage_days_tenant_day ON seat_usage_days (tenant_id, day);
CREATE INDEX ix_seat_usage_days_day ON seat_usage_days (day);

CREATE TABLE tenant_reconciliation_policies (
    tenant_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    email_domains NVARCHAR(4000) NOT NULL,
    domains_at DATETIMEOFFSET NULL,
    inactive_after_days INT NOT NULL,
    stale_invite_after_days INT NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);

CREATE TABLE setting_baselines (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    vendor_code NVARCHAR(64) NOT NULL,
    setting_key NVARCHAR(100) NOT NULL,
    label NVARCHAR(320) NOT NULL,
    expected_value NVARCHAR(400) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    created_by NVARCHAR(320) NOT NULL
);
CREATE UNIQUE INDEX ux_setting_baselines_key ON setting_baselines (vendor_code, setting_key);

CREATE TABLE setting_observations (
    id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    vendor_account_id UNIQUEIDENTIFIER NOT NULL REFERENCES vendor_accounts (id),
    setting_key NVARCHAR(100) NOT NULL,
    observed_value NVARCHAR(400) NOT NULL,
    observed_on DATE NOT NULL,
    source NVARCHAR(64) NOT NULL,
    recorded_by NVARCHAR(320) NOT NULL,
    recorded_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_setting_observations_account ON setting_observations (vendor_account_id, setting_key, observed_on);
