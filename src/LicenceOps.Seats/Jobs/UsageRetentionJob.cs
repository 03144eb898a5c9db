using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using LicenceOps.Seats.Reconciliation;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Jobs;

/// <summary>
/// Hangfire recurring job (daily): trims usage sheets (seat_usage_sheets, ADR 0056) to Seats:Reconciliation:UsageRetentionDays.
/// Its own job, not part of any account's reconciliation: retention is global.
/// <para>
/// Usage is stored as changes (ADR 0044), one sheet per subscription and day: a seat's state on a day is its entry in its
/// subscription's latest sheet up to that day, so an old sheet may still hold held seats' current state. What goes, with
/// <c>cutoff</c> = today − retention days:
/// <list type="bullet">
/// <item>a sheet older than the cutoff that a later sheet of the same subscription, dated on or before the cutoff, supersedes:
/// the state on the cutoff day and after is unchanged (the retained window reads exactly as with one row per seat per day);</item>
/// <item>in the sheets still older than the cutoff, the entries of seats released before the cutoff: their state is of no
/// use any more (a sheet left empty goes). Later sheets never hold them: a run carries over held seats only.</item>
/// </list>
/// A subscription's latest sheet stays however old it is: it is what its held seats still look like.
/// </para>
/// </summary>
internal sealed class UsageRetentionJob(ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options, TimeProvider clock)
{
    public const string Name = "seats:usage-retention";

    /// <summary>Sheets older than the cutoff with a later sheet of the same subscription dated on or before the cutoff.</summary>
    internal const string SupersededSql = """
        DELETE FROM seat_usage_sheets WHERE day < @cutoff AND EXISTS (
            SELECT 1 FROM seat_usage_sheets n
            WHERE n.tenant_id = seat_usage_sheets.tenant_id AND n.subscription_id = seat_usage_sheets.subscription_id
              AND n.day > seat_usage_sheets.day AND n.day <= @cutoff)
        """;

    /// <summary>The sheets older than the cutoff of subscriptions with seats released before it, and those seats.</summary>
    internal const string ReleasedSql = """
        SELECT sh.tenant_id AS TenantId, sh.subscription_id AS SubscriptionId, sh.day AS Day, sh.seats AS Seats, s.id AS SeatId
        FROM seat_usage_sheets sh JOIN seats s ON s.subscription_id = sh.subscription_id AND s.tenant_id = sh.tenant_id
        WHERE sh.day < @cutoff AND s.status = 'released' AND s.released_on < @cutoff
        """;

    public async Task RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Name);
        var cutoff = ParisCalendar.DateOf(clock.GetUtcNow()).AddDays(-options.Value.Reconciliation.UsageRetentionDays);
        await db.WriteAsync(async uow =>
        {
            // Seeks the (day) index to the sheets before the cutoff, then probes the key (tenant_id, subscription_id, day).
            await uow.ExecuteAsync(SupersededSql, new { cutoff });
            // What is left before the cutoff is at most one sheet per subscription.
            foreach (var sheet in (await uow.QueryAsync<ReleasedRow>(ReleasedSql, new { cutoff })).GroupBy(r => (r.TenantId, r.SubscriptionId, r.Day)))
            {
                var released = sheet.Select(r => r.SeatId).ToHashSet();
                var entries = UsageSheets.Read(sheet.First().Seats);
                var kept = entries.Where(e => !released.Contains(e.SeatId)).ToList();
                var key = new { sheet.Key.TenantId, sheet.Key.SubscriptionId, sheet.Key.Day };
                if (kept.Count == 0)
                {
                    await uow.ExecuteAsync("DELETE FROM seat_usage_sheets WHERE tenant_id = @TenantId AND subscription_id = @SubscriptionId AND day = @Day", key);
                }
                else if (kept.Count < entries.Count)
                {
                    await uow.ExecuteAsync(
                        "UPDATE seat_usage_sheets SET seats = @seats WHERE tenant_id = @TenantId AND subscription_id = @SubscriptionId AND day = @Day",
                        new { key.TenantId, key.SubscriptionId, key.Day, seats = UsageSheets.Write(kept) });
                }
            }
        }, ct);
    }

    private sealed record ReleasedRow(Guid TenantId, Guid SubscriptionId, DateOnly Day, string Seats, Guid SeatId);
}
