using Hangfire;
using Hangfire.Storage;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Jobs;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>
/// Keeps one Hangfire recurring job per vendor account (<c>seats:reconcile:{accountId}</c>) in line with the vendor_accounts
/// rows, which are the source of truth (ADR 0027): endpoints call <see cref="SynchroniseAsync"/> once their change is
/// committed, and start-up calls <see cref="SynchroniseAllAsync"/>, which re-creates every job (the in-memory store starts
/// empty) and removes jobs whose account is gone or no longer scheduled (the SQL Server store keeps them across restarts).
/// </summary>
public sealed class ReconciliationScheduler(
    ModuleDatabase<SeatsModule> db, IRecurringJobManager recurring, IBackgroundJobClient background, JobStorage storage,
    IOptions<SeatsOptions> options, TimeProvider clock, ILogger<ReconciliationScheduler> logger)
{
    public const string JobPrefix = "seats:reconcile:";

    public static string JobId(Guid accountId) => JobPrefix + accountId.ToString("D");

    /// <summary>Registers, updates or removes one account's job to match its row (removed when the row is gone).</summary>
    public async Task SynchroniseAsync(Guid accountId, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId", new { accountId }, ct);
        if (row is null)
        {
            RemoveJob(accountId);
            return;
        }
        Apply(row);
    }

    /// <summary>
    /// Whether <paramref name="row"/> should have a job (its schedule has a cron), without touching the job store: what the job asks
    /// of its own account at each run (ADR 0085). <see cref="SynchroniseAsync"/> registers or updates the job.
    /// </summary>
    public bool HasJob(VendorAccountRow row) => AccountSchedule.Of(row, options.Value.Reconciliation.IntervalMinutes).Cron is not null;

    /// <summary>Removes an account's job (none: nothing), as a job that outlived its account's schedule does (ADR 0027).</summary>
    public void RemoveJob(Guid accountId) => recurring.RemoveIfExists(JobId(accountId));

    /// <summary>When each account's recurring job fires next (UTC), as Hangfire holds it; accounts without a job are absent.</summary>
    public IReadOnlyDictionary<Guid, DateTimeOffset> NextRuns(IReadOnlyCollection<Guid> accountIds)
    {
        using var connection = storage.GetConnection();
        var byJob = accountIds.ToDictionary(JobId);
        return connection.GetRecurringJobs(byJob.Keys)
            .Where(j => j is { Removed: false, NextExecution: not null } && byJob.ContainsKey(j.Id))
            .ToDictionary(j => byJob[j.Id], j => new DateTimeOffset(DateTime.SpecifyKind(j.NextExecution!.Value, DateTimeKind.Utc)));
    }

    /// <summary>
    /// Start-up: every scheduled account gets its job, every other <c>seats:reconcile:</c> job goes, and when some accounts are
    /// overdue, one catch-up job (<see cref="ReconciliationCatchUpJob"/>) reconciles them together shortly after (ADR 0059).
    /// </summary>
    public async Task<int> SynchroniseAllAsync(CancellationToken ct)
    {
        var rows = await db.QueryAsync<VendorAccountRow>(VendorAccountRow.SelectSql, null, ct);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (Apply(row) is not null)
            {
                wanted.Add(JobId(row.Id));
            }
        }
        if ((await OverdueAsync(rows, ct)).Count > 0)
        {
            // Overdue (never run, or the host was down): once, shortly after start, when the bus has delivered what waited. The job
            // decides again which accounts are overdue when it runs, so one that a cron time reached meanwhile is not read twice.
            background.Schedule<ReconciliationCatchUpJob>(j => j.RunAsync(CancellationToken.None),
                TimeSpan.FromMinutes(options.Value.Reconciliation.CatchUpAfterStartMinutes));
        }
        using var connection = storage.GetConnection();
        foreach (var stray in connection.GetRecurringJobs().Select(j => j.Id).Where(id => id.StartsWith(JobPrefix, StringComparison.Ordinal) && !wanted.Contains(id)))
        {
            recurring.RemoveIfExists(stray);
        }
        logger.LogInformation("Reconciliation schedule synchronised: {Count} vendor account job(s).", wanted.Count);
        return wanted.Count;
    }

    /// <summary>The scheduled accounts with no run within their interval as of now (never run, or the host was down).</summary>
    public async Task<IReadOnlyList<VendorAccountRow>> OverdueAsync(CancellationToken ct) =>
        await OverdueAsync(await db.QueryAsync<VendorAccountRow>(VendorAccountRow.SelectSql, null, ct), ct);

    private async Task<IReadOnlyList<VendorAccountRow>> OverdueAsync(IReadOnlyList<VendorAccountRow> rows, CancellationToken ct)
    {
        var lastRuns = (await db.QueryAsync<LastRun>(
                "SELECT vendor_account_id AS AccountId, MAX(started_at) AS StartedAt FROM reconciliation_runs GROUP BY vendor_account_id", null, ct))
            .ToDictionary(r => r.AccountId, r => r.StartedAt);
        var now = clock.GetUtcNow();
        var defaultMinutes = options.Value.Reconciliation.IntervalMinutes;
        return rows.Where(row => AccountSchedule.Of(row, defaultMinutes) is { Cron: not null } schedule
                                 && (!lastRuns.TryGetValue(row.Id, out var last) || last < now.AddMinutes(-schedule.IntervalMinutes)))
            .ToList();
    }

    /// <summary>The interval the account's job runs at, or null when it has no job.</summary>
    private int? Apply(VendorAccountRow row)
    {
        var schedule = AccountSchedule.Of(row, options.Value.Reconciliation.IntervalMinutes);
        if (schedule.Cron is not { } cron)
        {
            recurring.RemoveIfExists(JobId(row.Id));
            return null;
        }
        var accountId = row.Id;
        recurring.AddOrUpdate<VendorAccountReconciliationJob>(JobId(accountId), j => j.RunAsync(accountId, CancellationToken.None), cron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return schedule.IntervalMinutes;
    }

    private sealed class LastRun
    {
        public Guid AccountId { get; set; }
        public DateTimeOffset StartedAt { get; set; }
    }
}

/// <param name="IntervalMinutes">The account's own interval, else the configured default.</param>
/// <param name="Cron">The recurring job's cron (UTC), or null when the account has no job.</param>
/// <param name="Why">Why there is no job, when there is none.</param>
public sealed record AccountSchedule(int IntervalMinutes, bool IsDefault, string? Cron, string? Why)
{
    /// <summary>
    /// An account is scheduled unless staff turned it off, or it uses the CSV connector and holds no member export yet
    /// (there is nothing to read: the first import registers the job).
    /// </summary>
    public static AccountSchedule Of(VendorAccountRow row, int defaultMinutes)
    {
        var minutes = row.ReconcileEveryMinutes ?? defaultMinutes;
        var isDefault = row.ReconcileEveryMinutes is null;
        if (!row.ScheduledReconciliation)
        {
            return new AccountSchedule(minutes, isDefault, null, "scheduled reconciliation is turned off for this account");
        }
        if (!ConnectorKinds.Vendors.ContainsKey(row.Connector))
        {
            return new AccountSchedule(minutes, isDefault, null, $"no connector '{row.Connector}' can read this account");
        }
        if (row.Connector == ConnectorKinds.Csv && !row.HasMembers)
        {
            return new AccountSchedule(minutes, isDefault, null, "no member export has been imported yet");
        }
        return new AccountSchedule(minutes, isDefault, ReconciliationCron.For(minutes, row.Id), null);
    }
}
