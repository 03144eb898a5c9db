using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Jobs;

/// <summary>
/// Hangfire recurring job (every 5 minutes): reconciles each vendor account whose last run is older than
/// Seats:Reconciliation:IntervalMinutes (default hourly), then trims usage snapshots past their retention. A sweeper
/// over the database rather than one Hangfire entry per account: accounts created, deleted or re-timed need no job
/// bookkeeping, and a lost in-memory job store loses nothing (ADR 0020).
/// </summary>
internal sealed class ReconciliationJob(ModuleDatabase<SeatsModule> db, ReconciliationRunner runner, IOptions<SeatsOptions> options, TimeProvider clock)
{
    public const string Name = "seats:reconciliation";

    public async Task RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Name);
        var settings = options.Value.Reconciliation;
        var now = clock.GetUtcNow();
        var due = await db.QueryAsync<VendorAccountRow>(
            VendorAccountRow.SelectSql + """
             a
            WHERE a.connector <> 'manual'
              AND (a.connector <> 'csv' OR EXISTS (SELECT 1 FROM vendor_members m WHERE m.vendor_account_id = a.id))
              AND NOT EXISTS (SELECT 1 FROM reconciliation_runs r WHERE r.vendor_account_id = a.id AND r.started_at > @since)
            ORDER BY a.created_at, a.id
            """, new { since = now.AddMinutes(-settings.IntervalMinutes) }, ct);
        // One pipeline for all due accounts: vendors read a few at a time, readings applied several per write (RunManyAsync).
        await runner.RunManyAsync(due, RunTriggers.Schedule, settings.ParallelReads, ct);
        var cutoff = Platform.ParisCalendar.DateOf(now).AddDays(-settings.UsageRetentionDays);
        await db.WriteAsync(uow => uow.ExecuteAsync("DELETE FROM seat_usage_days WHERE day < @cutoff", new { cutoff }), ct);
    }
}
