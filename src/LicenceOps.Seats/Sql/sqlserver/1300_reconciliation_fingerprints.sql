-- Issue 11 (ADR 0036): what the last successful reconciliation of each vendor account compared, so that the next run can
-- confirm it without reading Seats' rows again when nothing changed. fingerprint hashes the vendor's reading, the account's
-- connection, vendor and name, the evaluation day, the reconciliation options and the code; tenant_version and
-- global_version are the data versions of scope "reconciliation" (migration 1301) for the tenant and for all tenants,
-- read at the end of that run's write. This table has no data-version triggers on purpose: writing it must not move
-- the version it records. The counts are what a confirming run reports (the live findings, the usage rows of the day).
CREATE TABLE reconciliation_fingerprints (
    vendor_account_id UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,
    tenant_id UNIQUEIDENTIFIER NOT NULL,
    fingerprint NVARCHAR(64) NOT NULL,
    tenant_version BIGINT NOT NULL,
    global_version BIGINT NOT NULL,
    run_id UNIQUEIDENTIFIER NOT NULL,
    members_read INT NOT NULL,
    seats_compared INT NOT NULL,
    findings_live INT NOT NULL,
    usage_rows INT NOT NULL,
    recorded_at DATETIMEOFFSET NOT NULL
);

-- How a succeeded run got its result: 'compared' (read Seats' records and compared them with the reading) or 'confirmed'
-- (the reading and every stored input were unchanged since the last compared run: nothing was read or written beyond
-- the run row). NULL for failed runs and for runs recorded before this column.
ALTER TABLE reconciliation_runs ADD outcome NVARCHAR(16) NULL;
