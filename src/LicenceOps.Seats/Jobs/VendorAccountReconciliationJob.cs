using LicenceOps.Platform.Jobs;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;

namespace LicenceOps.Seats.Jobs;

/// <summary>
/// Hangfire recurring job <c>seats:reconcile:{accountId}</c>, one per vendor account (ADR 0027): reconciles that account
/// only. The job carries just the account id; everything else is read from the database when it runs, so a job that
/// outlived its account's schedule (account deleted or turned off) removes itself instead of running on.
/// </summary>
internal sealed class VendorAccountReconciliationJob(ReconciliationRunner runner, ReconciliationScheduler scheduler)
{
    public Task RunAsync(Guid accountId, CancellationToken ct) => RunOnceAsync(accountId, ct);

    /// <summary>The job's run, with its result (null: no run); the reconciliation bench's per-account mode runs exactly this.</summary>
    internal async Task<ReconciliationRunResult?> RunOnceAsync(Guid accountId, CancellationToken ct)
    {
        using var actor = JobActor.Begin(ReconciliationScheduler.JobId(accountId));
        return await scheduler.ScheduledAccountAsync(accountId, ct) is { } account
            ? await runner.RunAsync(account.TenantId, account.Id, RunTriggers.Schedule, ct)
            : null;
    }
}
