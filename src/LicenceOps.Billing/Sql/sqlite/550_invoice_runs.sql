-- Invoice runs as durable background jobs (Features/Runs). A run is a row here before it is answered 202, so it
-- outlives the caller and the process: whichever executor holds the lease (lease_owner until lease_until, real time)
-- works it, and an expired lease lets another executor, or the restarted host, resume it.
CREATE TABLE invoice_runs (
    id                TEXT NOT NULL PRIMARY KEY,
    period            TEXT NOT NULL,
    issue             INTEGER NOT NULL,
    state             TEXT NOT NULL,
    tenants_planned   INTEGER NOT NULL DEFAULT 0,
    requested_by      TEXT NOT NULL,
    requested_by_name TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    started_at        TEXT NULL,
    finished_at       TEXT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    lease_owner       TEXT NULL,
    lease_until       TEXT NULL,
    error             TEXT NULL
);
-- One active run per month: a second request while one is queued or running is a 409, not a race.
CREATE UNIQUE INDEX ux_invoice_runs_active ON invoice_runs (period) WHERE state IN ('queued', 'running');
CREATE INDEX ix_invoice_runs_created ON invoice_runs (created_at, id);
CREATE INDEX ix_invoice_runs_state ON invoice_runs (state, lease_until);

-- The run's tenants, fixed when it starts, each with its outcome. Every outcome is written in the transaction that
-- makes it true (the draft's insert, the issue), so a resumed run counts exactly and redoes only pending tenants.
CREATE TABLE invoice_run_tenants (
    run_id      TEXT NOT NULL REFERENCES invoice_runs (id),
    tenant_id   TEXT NOT NULL,
    status      TEXT NOT NULL,
    outcome     TEXT NULL,
    invoice_id  TEXT NULL,
    issued      INTEGER NOT NULL DEFAULT 0,
    failure     TEXT NULL,
    finished_at TEXT NULL,
    PRIMARY KEY (run_id, tenant_id)
);
CREATE INDEX ix_invoice_run_tenants_status ON invoice_run_tenants (run_id, status);
