-- Invoice runs as durable background jobs (Features/Runs). A run is a row here before it is answered 202, so it
-- outlives the caller and the process: whichever executor holds the lease (lease_owner until lease_until, real time)
-- works it, and an expired lease lets another executor, or the restarted host, resume it.
CREATE TABLE invoice_runs (
    id                UNIQUEIDENTIFIER NOT NULL CONSTRAINT pk_invoice_runs PRIMARY KEY,
    period            NVARCHAR(7) NOT NULL,
    issue             BIT NOT NULL,
    state             NVARCHAR(20) NOT NULL,
    tenants_planned   INT NOT NULL CONSTRAINT df_invoice_runs_planned DEFAULT 0,
    requested_by      NVARCHAR(200) NOT NULL,
    requested_by_name NVARCHAR(320) NOT NULL,
    created_at        DATETIMEOFFSET NOT NULL,
    started_at        DATETIMEOFFSET NULL,
    finished_at       DATETIMEOFFSET NULL,
    attempts          INT NOT NULL CONSTRAINT df_invoice_runs_attempts DEFAULT 0,
    lease_owner       UNIQUEIDENTIFIER NULL,
    lease_until       DATETIMEOFFSET NULL,
    error             NVARCHAR(2000) NULL
);
-- One active run per month: a second request while one is queued or running is a 409, not a race.
CREATE UNIQUE INDEX ux_invoice_runs_active ON invoice_runs (period) WHERE state IN ('queued', 'running');
CREATE INDEX ix_invoice_runs_created ON invoice_runs (created_at, id);
CREATE INDEX ix_invoice_runs_state ON invoice_runs (state, lease_until);

-- The run's tenants, fixed when it starts, each with its outcome. Every outcome is written in the transaction that
-- makes it true (the draft's insert, the issue), so a resumed run counts exactly and redoes only pending tenants.
CREATE TABLE invoice_run_tenants (
    run_id      UNIQUEIDENTIFIER NOT NULL CONSTRAINT fk_invoice_run_tenants_run REFERENCES invoice_runs (id),
    tenant_id   UNIQUEIDENTIFIER NOT NULL,
    status      NVARCHAR(20) NOT NULL,
    outcome     NVARCHAR(20) NULL,
    invoice_id  UNIQUEIDENTIFIER NULL,
    issued      BIT NOT NULL CONSTRAINT df_invoice_run_tenants_issued DEFAULT 0,
    failure     NVARCHAR(2000) NULL,
    finished_at DATETIMEOFFSET NULL,
    CONSTRAINT pk_invoice_run_tenants PRIMARY KEY (run_id, tenant_id)
);
CREATE INDEX ix_invoice_run_tenants_status ON invoice_run_tenants (run_id, status);
