using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Jobs;

/// <summary>
/// Hangfire recurring job (daily): deletes usage snapshots (seat_usage_days) older than
/// Seats:Reconciliation:UsageRetentionDays. Its own job, not part of any account's reconciliation: retention is global.
/// </summary>
internal sealed class UsageRetentionJob(ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options, TimeProvider clock)
{
    public const string Name = "seats:usage-retention";

    public async Task RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Name);
        var cutoff = ParisCalendar.DateOf(clock.GetUtcNow()).AddDays(-options.Value.Reconciliation.UsageRetentionDays);
        await db.WriteAsync(uow => uow.ExecuteAsync("DELETE FROM seat_usage_days WHERE day < @cutoff", new { cutoff }), ct);
    }
}
