using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Options;

namespace LicenceOps.Billing.Features.Runs;

public static class InvoiceRunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>A tenant the run could not invoice, and why (missing exchange rate, no billing profile…).</summary>
public sealed record RunFailure(Guid TenantId, string Reason);

/// <summary>A run as the API shows it: where it stands, and what it did so far (exact even across restarts).</summary>
/// <param name="TenantsTotal">Tenants with subscriptions in the period, fixed when the run starts (0 while queued).</param>
/// <param name="TenantsDone">Tenants finished, failures included.</param>
/// <param name="InvoiceIds">The period's invoice of every tenant done, whether this run drafted it or found it.</param>
public sealed record InvoiceRunView(
    Guid Id, string Period, bool Issue, string State, int TenantsTotal, int TenantsDone, int Drafted, int AlreadyInvoiced, int Issued,
    IReadOnlyList<RunFailure> Failures, IReadOnlyList<Guid> InvoiceIds, string RequestedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error);

/// <summary>A run in the paged list: its counters without the per-tenant detail.</summary>
public sealed record InvoiceRunSummary(
    Guid Id, string Period, bool Issue, string State, int TenantsTotal, int TenantsDone, int Drafted, int AlreadyInvoiced, int Issued,
    int Failed, string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// The durable state of invoice runs (invoice_runs, invoice_run_tenants). Executors hold a lease on a run, measured in
/// real time (tests move the business clock; a lease must not expire because a test jumped a month), and every write
/// an executor makes is conditional on still holding it, so a run taken over by another executor is never worked twice
/// at once by accident.
/// </summary>
public sealed class InvoiceRuns(ModuleDatabase<BillingModule> database, IOptions<BillingOptions> options)
{
    private readonly JobLease lease = new("invoice_runs", TimeSpan.FromSeconds(options.Value.RunLeaseSeconds));

    public TimeSpan Lease => lease.Duration;

    /// <summary>Queues a run of <paramref name="period"/>; null when a run of that month is already queued or running.</summary>
    public static async Task<Guid?> QueueAsync(UnitOfWork uow, BillingPeriod period, bool issue)
    {
        var id = RowIds.New();
        var inserted = await uow.ExecuteAsync(
            """
            INSERT INTO invoice_runs (id, period, issue, state, requested_by, requested_by_name, created_at)
            SELECT @id, @period, @issue, 'queued', @actorId, @actorName, @now
            WHERE NOT EXISTS (SELECT 1 FROM invoice_runs WHERE period = @period AND state IN ('queued', 'running'))
            """,
            new { id, period = period.ToString(), issue, actorId = uow.Actor.Id, actorName = uow.Actor.Display, now = uow.Now });
        if (inserted == 0)
        {
            return null;
        }
        await uow.AuditAsync("invoice-run", id, "queued", new { period = period.ToString(), issue });
        return id;
    }

    /// <summary>The queued or running run of a period, if any (to point a refused request at it).</summary>
    public Task<Guid?> ActiveAsync(BillingPeriod period, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT id FROM invoice_runs WHERE period = @period AND state IN ('queued', 'running')", new { period = period.ToString() }, ct);

    /// <summary>Runs waiting for an executor: queued, or running under a lease that lapsed (its process died), oldest first.</summary>
    public Task<IReadOnlyList<Guid>> ClaimableAsync(CancellationToken ct) => lease.ClaimableAsync(database, ct);

    /// <summary>
    /// Takes run <paramref name="runId"/> for <paramref name="owner"/> if nobody holds it, and on its first start fixes its
    /// tenants (those with subscription terms in the period). False when another executor holds it or it is finished.
    /// </summary>
    public async Task<bool> ClaimAsync(Guid runId, Guid owner, CancellationToken ct) =>
        await database.WriteAsync(async uow =>
        {
            if (!await lease.TryClaimAsync(uow, runId, owner))
            {
                return false;
            }

            var period = BillingPeriod.TryParse(
                await uow.QuerySingleOrDefaultAsync<string>("SELECT period FROM invoice_runs WHERE id = @runId", new { runId }), out var parsed)
                ? parsed!.Value
                : throw new InvalidOperationException($"Invoice run {runId} has an unreadable period.");
            // First start only: a resumed run keeps the tenant list it started with.
            await uow.ExecuteAsync(
                """
                INSERT INTO invoice_run_tenants (run_id, tenant_id, status, issued)
                SELECT DISTINCT @runId, tenant_id, 'pending', 0 FROM subscription_terms
                WHERE effective_date <= @end AND NOT EXISTS (SELECT 1 FROM invoice_run_tenants WHERE run_id = @runId)
                """,
                new { runId, end = period.End });
            await uow.ExecuteAsync(
                "UPDATE invoice_runs SET tenants_planned = (SELECT COUNT(*) FROM invoice_run_tenants WHERE run_id = @runId) WHERE id = @runId",
                new { runId });
            return true;
        }, ct);

    /// <summary>
    /// In the caller's transaction (each batch of tenants renews first): renews the lease; false when the run is no
    /// longer this executor's, and then the transaction must change nothing else.
    /// </summary>
    public Task<bool> RenewAsync(UnitOfWork uow, Guid runId, Guid owner) => lease.RenewAsync(uow, runId, owner);

    /// <summary>Gives the lease back without finishing (the host is stopping): the next start resumes at once.</summary>
    public Task ReleaseAsync(Guid runId, Guid owner) => lease.ReleaseAsync(database, runId, owner);

    /// <summary>Ends the run as completed, or failed with <paramref name="error"/>; false when it was not this executor's.</summary>
    public async Task<bool> FinishAsync(Guid runId, Guid owner, string? error, CancellationToken ct) =>
        await database.WriteAsync(async uow =>
        {
            var finished = await lease.FinishAsync(uow, runId, owner, error is null ? InvoiceRunStates.Completed : InvoiceRunStates.Failed, error);
            if (finished)
            {
                await uow.AuditAsync("invoice-run", runId, error is null ? "completed" : "failed", error is null ? null : new { error });
            }
            return finished;
        }, ct);

    public Task<IReadOnlyList<Guid>> PendingTenantsAsync(Guid runId, CancellationToken ct) =>
        database.QueryAsync<Guid>("SELECT tenant_id FROM invoice_run_tenants WHERE run_id = @runId AND status = 'pending' ORDER BY tenant_id",
            new { runId }, ct);

    /// <summary>Invoices this run issued before it was interrupted (their PDFs may not have been stored yet).</summary>
    public Task<IReadOnlyList<Guid>> IssuedInvoicesAsync(Guid runId, CancellationToken ct) =>
        database.QueryAsync<Guid>("SELECT invoice_id FROM invoice_run_tenants WHERE run_id = @runId AND issued = 1 ORDER BY tenant_id",
            new { runId }, ct);

    public Task<RunRow?> RowAsync(Guid runId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<RunRow>($"SELECT {RunRow.Columns} FROM invoice_runs WHERE id = @runId", new { runId }, ct);

    // Outcomes, each written inside the transaction that makes it true. The status/outcome guards make a repeated
    // write (two executors, or a resumed one) change nothing.

    /// <summary>What a run did for one tenant, recorded by <see cref="RecordDoneAsync"/>.</summary>
    /// <param name="Outcome">"drafted" when this run drafted its invoice, "already" when it existed before, or what happened
    /// when there was no invoice to draft.</param>
    /// <param name="Issued">Whether this run gave the invoice its number.</param>
    public sealed record TenantDone(Guid TenantId, string Outcome, Guid? InvoiceId = null, bool Issued = false);

    /// <summary>
    /// In the transaction that drafted and issued the tenants' documents: each tenant is done, with its outcome, the invoice,
    /// and whether this run gave it its number. One statement for a whole batch on SQLite (<c>jsonb_each</c>, ADR 0042), one
    /// per tenant on SQL Server; every step commits in this same transaction anyway. A tenant whose outcome was recorded
    /// before keeps it (a run resumed after a crash records what its first attempt did).
    /// </summary>
    public static async Task RecordDoneAsync(UnitOfWork uow, Guid runId, IReadOnlyList<TenantDone> done)
    {
        if (done.Count == 0)
        {
            return;
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            var rows = new JsonRows();
            foreach (var d in done)
            {
                rows.Row().Add(d.TenantId).Add(d.Outcome).Add(d.InvoiceId).Add(d.Issued);
            }
            // Matched by primary key (run, tenant), each row's values looked up in the batch's JSON: an UPDATE … FROM
            // jsonb_each, or a plain status filter, lets SQLite walk every pending tenant of the run for each batch (the
            // unary + keeps the (run_id, status) index out of the plan).
            await uow.ExecuteRowsAsync(
                """
                UPDATE invoice_run_tenants SET (outcome, invoice_id, issued) = (
                        SELECT COALESCE(invoice_run_tenants.outcome, r.value ->> 1),
                            CASE WHEN invoice_run_tenants.outcome IS NULL AND r.value ->> 2 IS NOT NULL THEN r.value ->> 2 ELSE invoice_run_tenants.invoice_id END,
                            CASE WHEN r.value ->> 3 = 1 THEN 1 ELSE invoice_run_tenants.issued END
                        FROM jsonb_each(CAST(@rows AS TEXT)) AS r WHERE r.value ->> 0 = invoice_run_tenants.tenant_id),
                    status = 'done', finished_at = @now
                WHERE run_id = @runId AND tenant_id IN (SELECT value ->> 0 FROM jsonb_each(CAST(@rows AS TEXT))) AND +status = 'pending'
                """,
                rows, new { runId, now = uow.Now });
            return;
        }
        await uow.ExecuteAsync(SqlServerDoneSql, done.Select(d => new { runId, d.TenantId, d.Outcome, d.InvoiceId, d.Issued, now = uow.Now }).ToList());
    }

    private const string SqlServerDoneSql = """
        UPDATE invoice_run_tenants SET status = 'done', outcome = COALESCE(outcome, @Outcome),
            invoice_id = CASE WHEN outcome IS NULL AND @InvoiceId IS NOT NULL THEN @InvoiceId ELSE invoice_id END,
            issued = CASE WHEN @Issued = 1 THEN 1 ELSE issued END, finished_at = @now
        WHERE run_id = @runId AND tenant_id = @TenantId AND status = 'pending'
        """;

    /// <summary>What a run's batch records on SQL Server, for the T-SQL parse test (no SQL Server runs here).</summary>
    internal static IReadOnlyList<string> SqlServerStatements => [SqlServerDoneSql];

    public Task RecordFailedAsync(Guid runId, Guid tenantId, string reason, CancellationToken ct) =>
        database.WriteAsync(uow => RecordFailedAsync(uow, runId, tenantId, reason), ct);

    public static Task RecordFailedAsync(UnitOfWork uow, Guid runId, Guid tenantId, string reason) =>
        uow.ExecuteAsync(
            """
            UPDATE invoice_run_tenants SET status = 'failed', failure = @reason, finished_at = @now
            WHERE run_id = @runId AND tenant_id = @tenantId AND status = 'pending'
            """,
            new { runId, tenantId, reason = reason.Length > 2000 ? reason[..2000] : reason, now = uow.Now });

    // Reads.

    public async Task<InvoiceRunView?> FindAsync(Guid runId, CancellationToken ct)
    {
        var row = await RowAsync(runId, ct);
        if (row is null)
        {
            return null;
        }
        var counts = (await CountsAsync([runId], ct)).GetValueOrDefault(runId) ?? new Counts();
        var failures = await database.QueryAsync<RunFailure>(
            "SELECT tenant_id AS TenantId, failure AS Reason FROM invoice_run_tenants WHERE run_id = @runId AND status = 'failed' ORDER BY tenant_id",
            new { runId }, ct);
        var invoices = await database.QueryAsync<Guid>(
            "SELECT invoice_id FROM invoice_run_tenants WHERE run_id = @runId AND status = 'done' AND invoice_id IS NOT NULL ORDER BY tenant_id",
            new { runId }, ct);
        return new InvoiceRunView(row.Id, row.Period, row.Issue, row.State, row.TenantsPlanned, counts.Done, counts.Drafted, counts.Already,
            counts.Issued, failures, invoices, row.RequestedByName, row.CreatedAt, row.StartedAt, row.FinishedAt, row.Error);
    }

    /// <summary>Newest first; the id breaks ties between runs requested in the same instant.</summary>
    private static readonly Keyset<RunRow> NewestFirst = new("invoice-runs",
        SortKey.Desc<RunRow>("created_at", r => r.CreatedAt), SortKey.Desc<RunRow>("id", r => r.Id));

    public async Task<Page<InvoiceRunSummary>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var rows = await NewestFirst.ReadAsync(database, $"SELECT {RunRow.Columns} FROM invoice_runs", "1 = 1", null, page, ct);
        var counts = await CountsAsync(rows.Items.Select(r => r.Id).ToList(), ct);
        return rows.Map(r =>
        {
            var c = counts.GetValueOrDefault(r.Id) ?? new Counts();
            return new InvoiceRunSummary(r.Id, r.Period, r.Issue, r.State, r.TenantsPlanned, c.Done, c.Drafted, c.Already, c.Issued, c.Failed,
                r.RequestedByName, r.CreatedAt, r.StartedAt, r.FinishedAt);
        });
    }

    private async Task<Dictionary<Guid, Counts>> CountsAsync(IReadOnlyList<Guid> runIds, CancellationToken ct)
    {
        if (runIds.Count == 0)
        {
            return [];
        }
        var rows = await database.QueryAsync<Counts>(
            """
            SELECT run_id AS RunId,
                SUM(CASE WHEN status <> 'pending' THEN 1 ELSE 0 END) AS Done,
                SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS Failed,
                SUM(CASE WHEN outcome = 'drafted' THEN 1 ELSE 0 END) AS Drafted,
                SUM(CASE WHEN outcome = 'already' THEN 1 ELSE 0 END) AS Already,
                SUM(CASE WHEN issued = 1 THEN 1 ELSE 0 END) AS Issued
            FROM invoice_run_tenants WHERE run_id IN @runIds GROUP BY run_id
            """,
            new { runIds }, ct);
        return rows.ToDictionary(r => r.RunId);
    }

    private sealed class Counts
    {
        public Guid RunId { get; set; }
        public int Done { get; set; }
        public int Failed { get; set; }
        public int Drafted { get; set; }
        public int Already { get; set; }
        public int Issued { get; set; }
    }

    public sealed class RunRow
    {
        public const string Columns =
            "id AS Id, period AS Period, issue AS Issue, state AS State, tenants_planned AS TenantsPlanned, requested_by AS RequestedBy, " +
            "requested_by_name AS RequestedByName, created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt, attempts AS Attempts, error AS Error";

        public Guid Id { get; set; }
        public string Period { get; set; } = "";
        public bool Issue { get; set; }
        public string State { get; set; } = "";
        public int TenantsPlanned { get; set; }
        public string RequestedBy { get; set; } = "";
        public string RequestedByName { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? StartedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public int Attempts { get; set; }
        public string? Error { get; set; }
    }
}
