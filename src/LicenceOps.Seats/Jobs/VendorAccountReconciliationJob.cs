using LicenceOps.Platform.Jobs;
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

    /// <summary>
    /// The job's run, with its result (null: no run); the reconciliation bench's per-account mode runs exactly this. The account is
    /// read once, by the run's own first statement, which also tells whether it still has a job; a run leaves the job store alone
    /// unless its job must go (ADR 0085): registering and updating jobs is <see cref="ReconciliationScheduler.SynchroniseAsync"/>'s,
    /// after each change of an account's schedule, and start-up's.
    /// </summary>
    internal async Task<ReconciliationRunResult?> RunOnceAsync(Guid accountId, CancellationToken ct)
    {
        using var actor = JobActor.Begin(ReconciliationScheduler.JobId(accountId));
        var run = await runner.RunScheduledAsync(accountId, scheduler.HasJob, ct);
        if (run is null)
        {
            // Gone, turned off, or deleted while its vendor was read: the job outlived its account's schedule.
            scheduler.RemoveJob(accountId);
        }
        return run;
    }
}
