using LicenceOps.Platform.Jobs;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Seats.Jobs;

/// <summary>
/// One Hangfire job scheduled at start-up when some accounts are overdue (never reconciled, or the host was down past their
/// interval): it reconciles every account still overdue when it runs, together, as one pipeline (ADR 0059). After a host was
/// down for an hour, that is every account: one pipeline shares its write transactions between accounts where a thousand
/// separate jobs would each pay their own, and the per-account jobs then carry on at their cron times.
/// </summary>
internal sealed class ReconciliationCatchUpJob(ReconciliationRunner runner, ReconciliationScheduler scheduler, ILogger<ReconciliationCatchUpJob> logger)
{
    public const string Name = "seats:reconciliation-catch-up";

    public async Task RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Name);
        var overdue = await scheduler.OverdueAsync(ct);
        if (overdue.Count == 0)
        {
            return;
        }
        // As many vendor reads at once as the per-account jobs could run (Hangfire's default worker count): a catch-up reads no
        // single vendor harder than they would, since each account is its own vendor organisation.
        var results = await runner.RunManyAsync(overdue, RunTriggers.Schedule, Math.Max(2, Environment.ProcessorCount), ct);
        logger.LogInformation("Reconciliation catch-up: {Accounts} overdue account(s) reconciled, {Failed} failed.",
            results.Count, results.Count(r => r.State == RunStates.Failed));
    }
}
