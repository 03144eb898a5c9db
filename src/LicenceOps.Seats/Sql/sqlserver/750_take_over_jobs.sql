-- Estate take-overs as durable background jobs (Features/VendorAccounts/TakeOverJobs.cs, ADR 0023). The job and its
-- members are rows here before the request is answered 202, so the take-over outlives the caller and the process:
-- whichever executor holds the lease (lease_owner until lease_until, real time) works it in chunks, and an expired
-- lease lets the restarted host resume it.
CREATE TABLE take_over_jobs (
    id                UNIQUEIDENTIFIER NOT NULL CONSTRAINT pk_take_over_jobs PRIMARY KEY,
    tenant_id         UNIQUEIDENTIFIER NOT NULL,
    subscription_id   UNIQUEIDENTIFIER NOT NULL,
    source            NVARCHAR(40) NOT NULL,
    content_sha256    NVARCHAR(64) NOT NULL,
    state             NVARCHAR(20) NOT NULL,
    rows_total        INT NOT NULL,
    rows_done         INT NOT NULL CONSTRAINT df_take_over_jobs_done DEFAULT 0,
    seats_created     INT NOT NULL CONSTRAINT df_take_over_jobs_seats DEFAULT 0,
    requested_by      NVARCHAR(200) NOT NULL,
    requested_by_name NVARCHAR(320) NOT NULL,
    created_at        DATETIMEOFFSET NOT NULL,
    started_at        DATETIMEOFFSET NULL,
    finished_at       DATETIMEOFFSET NULL,
    attempts          INT NOT NULL CONSTRAINT df_take_over_jobs_attempts DEFAULT 0,
    lease_owner       UNIQUEIDENTIFIER NULL,
    lease_until       DATETIMEOFFSET NULL,
    error             NVARCHAR(2000) NULL
);
-- One active take-over per subscription: a second submission while one is queued or running is a 409, not a race.
CREATE UNIQUE INDEX ux_take_over_jobs_active ON take_over_jobs (subscription_id) WHERE state IN ('queued', 'running');
CREATE INDEX ix_take_over_jobs_list ON take_over_jobs (tenant_id, subscription_id, created_at, id);
CREATE INDEX ix_take_over_jobs_state ON take_over_jobs (state, lease_until);

-- The job's members as read from the file or the vendor, in their order. A row's outcome is written in the chunk
-- transaction that creates its seat, so a resumed job redoes only pending rows and never seats anyone twice.
CREATE TABLE take_over_job_rows (
    job_id         UNIQUEIDENTIFIER NOT NULL CONSTRAINT fk_take_over_job_rows_job REFERENCES take_over_jobs (id),
    row_no         INT NOT NULL,
    email          NVARCHAR(320) NOT NULL,
    vendor_status  NVARCHAR(20) NOT NULL,
    joined_on      DATE NULL,
    last_active_on DATE NULL,
    status         NVARCHAR(20) NOT NULL,
    outcome        NVARCHAR(40) NULL,
    seat_id        UNIQUEIDENTIFIER NULL,
    error          NVARCHAR(500) NULL,
    CONSTRAINT pk_take_over_job_rows PRIMARY KEY (job_id, row_no)
);
CREATE INDEX ix_take_over_job_rows_status ON take_over_job_rows (job_id, status, row_no);
