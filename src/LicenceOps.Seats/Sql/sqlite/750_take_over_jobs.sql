-- Estate take-overs as durable background jobs (Features/VendorAccounts/TakeOverJobs.cs, ADR 0023). The job and its
-- members are rows here before the request is answered 202, so the take-over outlives the caller and the process:
-- whichever executor holds the lease (lease_owner until lease_until, real time) works it in chunks, and an expired
-- lease lets the restarted host resume it.
CREATE TABLE take_over_jobs (
    id                TEXT NOT NULL PRIMARY KEY,
    tenant_id         TEXT NOT NULL,
    subscription_id   TEXT NOT NULL,
    source            TEXT NOT NULL,
    content_sha256    TEXT NOT NULL,
    state             TEXT NOT NULL,
    rows_total        INTEGER NOT NULL,
    rows_done         INTEGER NOT NULL DEFAULT 0,
    seats_created     INTEGER NOT NULL DEFAULT 0,
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
-- One active take-over per subscription: a second submission while one is queued or running is a 409, not a race.
CREATE UNIQUE INDEX ux_take_over_jobs_active ON take_over_jobs (subscription_id) WHERE state IN ('queued', 'running');
CREATE INDEX ix_take_over_jobs_list ON take_over_jobs (tenant_id, subscription_id, created_at, id);
CREATE INDEX ix_take_over_jobs_state ON take_over_jobs (state, lease_until);

-- The job's members as read from the file or the vendor, in their order. A row's outcome is written in the chunk
-- transaction that creates its seat, so a resumed job redoes only pending rows and never seats anyone twice.
CREATE TABLE take_over_job_rows (
    job_id         TEXT NOT NULL REFERENCES take_over_jobs (id),
    row_no         INTEGER NOT NULL,
    email          TEXT NOT NULL,
    vendor_status  TEXT NOT NULL,
    joined_on      TEXT NULL,
    last_active_on TEXT NULL,
    status         TEXT NOT NULL,
    outcome        TEXT NULL,
    seat_id        TEXT NULL,
    error          TEXT NULL,
    PRIMARY KEY (job_id, row_no)
);
CREATE INDEX ix_take_over_job_rows_status ON take_over_job_rows (job_id, status, row_no);
