using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Jobs;

/// <summary>
/// Hangfire recurring job (daily): trims usage rows (seat_usage_days) to Seats:Reconciliation:UsageRetentionDays. Its own job,
/// not part of any account's reconciliation: retention is global.
/// <para>
/// Rows are stored as changes (ADR 0044): a seat's state on a day is its latest row up to that day, so an old row may still be
/// a held seat's current state. What goes, with <c>cutoff</c> = today − retention days:
/// <list type="bullet">
/// <item>a row older than the cutoff that a later row of the same seat, dated on or before the cutoff, supersedes: the state
/// on the cutoff day and after is unchanged (the retained window reads exactly as with one row per day);</item>
/// <item>every row older than the cutoff of a seat released before the cutoff: its state is of no use any more.</item>
/// </list>
/// A held seat's latest row stays however old it is: it is what the seat still looks like.
/// </para>
/// </summary>
internal sealed class UsageRetentionJob(ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options, TimeProvider clock)
{
    public const string Name = "seats:usage-retention";

    /// <summary>Rows older than the cutoff with a later row of the same seat dated on or before the cutoff.</summary>
    internal const string SupersededSql = """
        DELETE FROM seat_usage_days WHERE day < @cutoff AND EXISTS (
            SELECT 1 FROM seat_usage_days n
            WHERE n.tenant_id = seat_usage_days.tenant_id AND n.seat_id = seat_usage_days.seat_id
              AND n.day > seat_usage_days.day AND n.day <= @cutoff)
        """;

    /// <summary>Rows older than the cutoff of seats released before it.</summary>
    internal const string ReleasedSql = """
        DELETE FROM seat_usage_days WHERE day < @cutoff
          AND seat_id IN (SELECT id FROM seats WHERE status = 'released' AND released_on < @cutoff)
        """;

    public async Task RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Name);
        var cutoff = ParisCalendar.DateOf(clock.GetUtcNow()).AddDays(-options.Value.Reconciliation.UsageRetentionDays);
        await db.WriteAsync(async uow =>
        {
            // Both statements seek the (day) index to the rows before the cutoff; the first then probes (tenant_id, seat_id, day).
            await uow.ExecuteAsync(SupersededSql, new { cutoff });
            await uow.ExecuteAsync(ReleasedSql, new { cutoff });
        }, ct);
    }
}
