using System.Security.Cryptography;
using System.Text;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Jobs;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Vendors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.VendorAccounts;

public static class TakeOverJobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>A member the job could not seat, and why (e.g. the committed seats ran out meanwhile).</summary>
/// <param name="Row">The member's position in the file or the vendor's list, from 1.</param>
public sealed record TakeOverRowError(int Row, string Email, string Reason);

/// <summary>A take-over job as the API shows it: where it stands and what it did so far (exact across restarts).</summary>
/// <param name="ByOutcome">Members done, by outcome (create_seat, already_seated, unmatched, inactive_at_vendor, person_left, no_free_seat).</param>
/// <param name="UnmatchedMembers">E-mails no person of the tenant has: shadow users or personal accounts to clear up.</param>
public sealed record TakeOverJobView(
    Guid Id, Guid SubscriptionId, string Source, string State, int RowsTotal, int RowsDone, int SeatsCreated,
    IReadOnlyDictionary<string, int> ByOutcome, IReadOnlyList<TakeOverRowError> RowErrors, IReadOnlyList<string> UnmatchedMembers,
    string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Attempts, string? Error);

/// <summary>A take-over job in the paged list: its counters without the per-member detail.</summary>
public sealed record TakeOverJobSummary(
    Guid Id, Guid SubscriptionId, string Source, string State, int RowsTotal, int RowsDone, int SeatsCreated, string RequestedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// Estate take-overs as durable jobs (take_over_jobs, take_over_job_rows; ADR 0023). Applying a take-over queues the
/// checked member list; an executor holding the job's lease (<see cref="JobLease"/>) seats the members in chunks, each
/// chunk one transaction with its seats, their history and SeatAssigned events, the rows' outcomes, the job's counters,
/// an audit row and the lease renewal. A kill at any point keeps a chunk whole or not at all, so the job resumed after
/// the restart redoes only pending rows and never seats anyone twice.
/// </summary>
internal sealed partial class TakeOverJobs(ModuleDatabase<SeatsModule> database, IOptions<SeatsOptions> options, ILogger<TakeOverJobs> logger)
{
    /// <summary>A matched member the job could not seat because the committed seats ran out after the apply was checked.</summary>
    public const string NoFreeSeat = "no_free_seat";

    private readonly JobLease lease = new("take_over_jobs", TimeSpan.FromSeconds(options.Value.TakeOverLeaseSeconds));

    public TimeSpan Lease => lease.Duration;

    public static string Location(Guid tenantId, Guid subscriptionId, Guid jobId) =>
        $"/api/tenants/{tenantId}/subscriptions/{subscriptionId}/take-overs/{jobId}";

    /// <summary>Fingerprint of a submission (the CSV text, or the member list read from the API), to name a duplicate.</summary>
    public static string Fingerprint(string? csv, IEnumerable<VendorMember> members) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            csv ?? string.Join('\n', members.Select(m => $"{m.Email.ToLowerInvariant()},{m.Status},{m.JoinedOn:O}").Order(StringComparer.Ordinal)))));

    /// <summary>
    /// In the caller's transaction: queues a take-over of <paramref name="members"/>; null when one of this subscription
    /// is already queued or running.
    /// </summary>
    public static async Task<Guid?> QueueAsync(
        UnitOfWork uow, Guid tenantId, Guid subscriptionId, string source, string fingerprint, IReadOnlyList<VendorMember> members)
    {
        var id = RowIds.New();
        var inserted = await uow.ExecuteAsync(
            """
            INSERT INTO take_over_jobs (id, tenant_id, subscription_id, source, content_sha256, state, rows_total, requested_by, requested_by_name, created_at)
            SELECT @id, @tenantId, @subscriptionId, @source, @fingerprint, 'queued', @total, @actorId, @actorName, @now
            WHERE NOT EXISTS (SELECT 1 FROM take_over_jobs WHERE subscription_id = @subscriptionId AND state IN ('queued', 'running'))
            """,
            new { id, tenantId, subscriptionId, source, fingerprint, total = members.Count, actorId = uow.Actor.Id, actorName = uow.Actor.Display, now = uow.Now });
        if (inserted == 0)
        {
            return null;
        }
        // One command executed per member (Dapper reuses it, so SQLite reuses the prepared statement).
        await uow.ExecuteAsync(
            """
            INSERT INTO take_over_job_rows (job_id, row_no, email, vendor_status, joined_on, last_active_on, status)
            VALUES (@id, @rowNo, @email, @status, @joinedOn, @lastActiveOn, 'pending')
            """,
            members.Select((m, i) => new { id, rowNo = i + 1, email = m.Email, status = m.Status, joinedOn = m.JoinedOn, lastActiveOn = m.LastActiveOn }).ToList());
        await uow.AuditAsync("take-over", id, "queued", new { subscriptionId, source, rows = members.Count }, tenantId);
        return id;
    }

    /// <summary>The queued or running take-over of a subscription and its fingerprint, if any (to explain a refused submission).</summary>
    public Task<ActiveJob?> ActiveAsync(Guid subscriptionId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<ActiveJob>(
            "SELECT id AS Id, content_sha256 AS Fingerprint FROM take_over_jobs WHERE subscription_id = @subscriptionId AND state IN ('queued', 'running')",
            new { subscriptionId }, ct);

    public sealed class ActiveJob
    {
        public Guid Id { get; set; }
        public string Fingerprint { get; set; } = "";
    }

    public Task<IReadOnlyList<Guid>> ClaimableAsync(CancellationToken ct) => lease.ClaimableAsync(database, ct);

    public Task<bool> ClaimAsync(Guid jobId, Guid owner, CancellationToken ct) =>
        database.WriteAsync(uow => lease.TryClaimAsync(uow, jobId, owner), ct);

    public Task<JobRow?> RowAsync(Guid jobId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<JobRow>($"SELECT {JobRow.Columns} FROM take_over_jobs WHERE id = @jobId", new { jobId }, ct);

    /// <summary>
    /// Works job <paramref name="jobId"/>, claimed by <paramref name="owner"/>, through its pending members and ends it.
    /// Returns early (leaving the rest to whoever holds the lease) when the lease was lost.
    /// </summary>
    public async Task ExecuteAsync(Guid jobId, Guid owner, CancellationToken ct)
    {
        var job = await RowAsync(jobId, ct) ?? throw new InvalidOperationException($"No take-over job {jobId}.");
        // The people as the job (re)starts: matching is by e-mail, and a person who joins meanwhile is seated by their
        // onboarding workflow anyway.
        var people = TakeOverPlanner.ByEmail(await database.QueryAsync<TakeOverPerson>(
            "SELECT person_id AS PersonId, email AS Email, status AS Status FROM people WHERE tenant_id = @tenantId", new { tenantId = job.TenantId }, ct));
        var chunkSql = database.Dialect == SqlDialect.Sqlite
            ? $"SELECT {MemberRow.Columns} FROM take_over_job_rows WHERE job_id = @jobId AND status = 'pending' ORDER BY row_no LIMIT @size"
            : $"SELECT TOP (@size) {MemberRow.Columns} FROM take_over_job_rows WHERE job_id = @jobId AND status = 'pending' ORDER BY row_no";
        var size = Math.Max(1, options.Value.TakeOverChunkRows);
        try
        {
            while (await database.QueryAsync<MemberRow>(chunkSql, new { jobId, size }, ct) is { Count: > 0 } chunk)
            {
                if (!await database.WriteAsync(uow => ApplyChunkAsync(uow, job, owner, people, chunk), ct))
                {
                    LogLeaseLost(jobId);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The host is stopping: hand the job back so the next start resumes it without waiting for the lease.
            await lease.ReleaseAsync(database, jobId, owner);
            throw;
        }

        await FinishAsync(job, owner, null, ct);
    }

    /// <summary>One chunk, all or nothing; false (nothing written) when the lease is no longer this executor's.</summary>
    private async Task<bool> ApplyChunkAsync(UnitOfWork uow, JobRow job, Guid owner, IReadOnlyDictionary<string, TakeOverPerson> people, IReadOnlyList<MemberRow> chunk)
    {
        if (!await lease.RenewAsync(uow, job.Id, owner))
        {
            return false;
        }
        var sub = await SubscriptionLedger.FindAsync(uow, job.TenantId, job.SubscriptionId)
            ?? throw new InvalidOperationException($"Subscription {job.SubscriptionId} no longer exists.");
        var matched = chunk.Select(r => people.GetValueOrDefault(r.Email)?.PersonId).OfType<Guid>().Distinct().ToList();
        var seated = matched.Count == 0
            ? new HashSet<Guid>()
            : (await uow.QueryAsync<Guid>("SELECT person_id FROM seats WHERE subscription_id = @subscriptionId AND status <> 'released' AND person_id IN @matched",
                new { subscriptionId = sub.Id, matched })).ToHashSet();
        var today = ParisCalendar.DateOf(uow.Now);
        var created = 0;
        foreach (var row in chunk)
        {
            var member = new VendorMember(row.Email, null, row.VendorStatus, row.LastActiveOn, JoinedOn: row.JoinedOn);
            var line = TakeOverPlanner.Decide(member, people.GetValueOrDefault(row.Email), seated, sub.TermStart, today);
            var (outcome, seatId, error) = (line.Outcome, (Guid?)null, (string?)null);
            if (line.Outcome == TakeOverOutcomes.CreateSeat)
            {
                if (await SeatLedger.ClaimAsync(uow, sub, increaseAllowed: false, "estate take-over") == ClaimOutcome.Claimed)
                {
                    seatId = await SeatLedger.InsertTakenOverAsync(uow, sub, line.PersonId!.Value,
                        line.SeatStatus == "invited" ? SeatStatus.Invited : SeatStatus.Active, line.StartDate!.Value, $"estate take-over from {job.Source}");
                    seated.Add(line.PersonId.Value);
                    created++;
                }
                else
                {
                    (outcome, error) = (NoFreeSeat, "No free committed seat left (seats were taken since the take-over was checked): raise the " +
                                                    "committed quantity and take over again; members already seated are kept.");
                }
            }
            await uow.ExecuteAsync(
                """
                UPDATE take_over_job_rows SET status = 'done', outcome = @outcome, seat_id = @seatId, error = @error
                WHERE job_id = @jobId AND row_no = @rowNo AND status = 'pending'
                """,
                new { jobId = job.Id, rowNo = row.RowNo, outcome, seatId, error });
        }
        await uow.ExecuteAsync("UPDATE take_over_jobs SET rows_done = rows_done + @rows, seats_created = seats_created + @created WHERE id = @jobId",
            new { jobId = job.Id, rows = chunk.Count, created });
        await uow.AuditAsync("take-over", job.Id, "chunk_applied",
            new { from = chunk[0].RowNo, to = chunk[^1].RowNo, seats = created }, job.TenantId);
        return true;
    }

    /// <summary>Ends the job as succeeded, or failed with <paramref name="error"/> (what was seated stays seated).</summary>
    public async Task FinishAsync(JobRow job, Guid owner, string? error, CancellationToken ct) =>
        await database.WriteAsync(async uow =>
        {
            if (!await lease.FinishAsync(uow, job.Id, owner, error is null ? TakeOverJobStates.Succeeded : TakeOverJobStates.Failed, error))
            {
                return;
            }
            var counts = await uow.QuerySingleOrDefaultAsync<JobRow>($"SELECT {JobRow.Columns} FROM take_over_jobs WHERE id = @id", new { id = job.Id });
            await uow.AuditAsync("subscription", job.SubscriptionId, error is null ? "estate_taken_over" : "estate_take_over_failed",
                new { jobId = job.Id, source = job.Source, rows = counts!.RowsDone, seats = counts.SeatsCreated, error }, job.TenantId);
        }, ct);

    // Reads: always within the tenant and the subscription, so another tenant's job id is simply not found.

    public async Task<TakeOverJobView?> FindAsync(Guid tenantId, Guid subscriptionId, Guid jobId, CancellationToken ct)
    {
        var job = await database.QuerySingleOrDefaultAsync<JobRow>(
            $"SELECT {JobRow.Columns} FROM take_over_jobs WHERE id = @jobId AND tenant_id = @tenantId AND subscription_id = @subscriptionId",
            new { jobId, tenantId, subscriptionId }, ct);
        if (job is null)
        {
            return null;
        }
        var outcomes = await database.QueryAsync<OutcomeCount>(
            "SELECT outcome AS Outcome, COUNT(*) AS Count FROM take_over_job_rows WHERE job_id = @jobId AND status = 'done' GROUP BY outcome", new { jobId }, ct);
        var errors = await database.QueryAsync<TakeOverRowError>(
            "SELECT row_no AS Row, email AS Email, error AS Reason FROM take_over_job_rows WHERE job_id = @jobId AND error IS NOT NULL ORDER BY row_no",
            new { jobId }, ct);
        var unmatched = await database.QueryAsync<string>(
            "SELECT email FROM take_over_job_rows WHERE job_id = @jobId AND outcome = @unmatched ORDER BY row_no",
            new { jobId, unmatched = TakeOverOutcomes.Unmatched }, ct);
        return new TakeOverJobView(job.Id, job.SubscriptionId, job.Source, job.State, job.RowsTotal, job.RowsDone, job.SeatsCreated,
            outcomes.ToDictionary(o => o.Outcome, o => o.Count), errors, unmatched, job.RequestedByName, job.CreatedAt, job.StartedAt,
            job.FinishedAt, job.Attempts, job.Error);
    }

    /// <summary>Newest first; the id breaks ties between jobs queued in the same instant.</summary>
    private static readonly Keyset<JobRow> NewestFirst = new("take-overs",
        SortKey.Desc<JobRow>("created_at", r => r.CreatedAt), SortKey.Desc<JobRow>("id", r => r.Id));

    public async Task<Page<TakeOverJobSummary>> ListAsync(Guid tenantId, Guid subscriptionId, PageRequest page, CancellationToken ct) =>
        (await NewestFirst.ReadAsync(database, $"SELECT {JobRow.Columns} FROM take_over_jobs", "tenant_id = @tenantId AND subscription_id = @subscriptionId",
            new { tenantId, subscriptionId }, page, ct))
        .Map(r => new TakeOverJobSummary(r.Id, r.SubscriptionId, r.Source, r.State, r.RowsTotal, r.RowsDone, r.SeatsCreated, r.RequestedByName,
            r.CreatedAt, r.StartedAt, r.FinishedAt));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Take-over {JobId}: lost its lease to another executor; stopping here")]
    private partial void LogLeaseLost(Guid jobId);

    private sealed class OutcomeCount
    {
        public string Outcome { get; set; } = "";
        public int Count { get; set; }
    }

    public sealed class MemberRow
    {
        public const string Columns =
            "row_no AS RowNo, email AS Email, vendor_status AS VendorStatus, joined_on AS JoinedOn, last_active_on AS LastActiveOn";

        public int RowNo { get; set; }
        public string Email { get; set; } = "";
        public string VendorStatus { get; set; } = "";
        public DateOnly? JoinedOn { get; set; }
        public DateOnly? LastActiveOn { get; set; }
    }

    public sealed class JobRow
    {
        public const string Columns =
            "id AS Id, tenant_id AS TenantId, subscription_id AS SubscriptionId, source AS Source, state AS State, rows_total AS RowsTotal, " +
            "rows_done AS RowsDone, seats_created AS SeatsCreated, requested_by AS RequestedBy, requested_by_name AS RequestedByName, " +
            "created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt, attempts AS Attempts, error AS Error";

        public Guid Id { get; set; }
        public Guid TenantId { get; set; }
        public Guid SubscriptionId { get; set; }
        public string Source { get; set; } = "";
        public string State { get; set; } = "";
        public int RowsTotal { get; set; }
        public int RowsDone { get; set; }
        public int SeatsCreated { get; set; }
        public string RequestedBy { get; set; } = "";
        public string RequestedByName { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? StartedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public int Attempts { get; set; }
        public string? Error { get; set; }
    }
}
