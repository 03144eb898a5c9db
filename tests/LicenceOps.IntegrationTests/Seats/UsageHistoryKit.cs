using System.Globalization;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// ADR 0044: usage rows are stored as changes (a row on the first day a seat's values are seen). The readers must read such a
/// history exactly as they read one row per seat per day, as it was stored before. This kit turns a tenant's change history
/// into the per-day history holding the same facts (each row repeated on every following day until the seat's next row, the
/// last one until <c>until</c>), and takes the repeated rows away again.
/// </summary>
internal static class UsageHistoryKit
{
    /// <summary>The recorded_at of the repeated rows: no real row carries it.</summary>
    private const string Marker = "repeated-daily-by-test";

    private sealed record Row(string SeatId, string Day, string SubscriptionId, string PersonId, string VendorAccountId, string? LastActiveOn,
        long Active, long ActivityReported);

    public static async Task<int> RepeatDailyAsync(LicenceOpsFactory factory, Guid tenantId, DateOnly until)
    {
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        var rows = (await connection.QueryAsync<Row>(
            """
            SELECT seat_id AS SeatId, day AS Day, subscription_id AS SubscriptionId, person_id AS PersonId, vendor_account_id AS VendorAccountId,
                   last_active_on AS LastActiveOn, active AS Active, activity_reported AS ActivityReported
            FROM seat_usage_days WHERE tenant_id = @tenantId ORDER BY seat_id, day
            """, new { tenantId })).ToList();
        var added = 0;
        foreach (var seat in rows.GroupBy(r => r.SeatId))
        {
            var history = seat.ToList();
            for (var i = 0; i < history.Count; i++)
            {
                var from = DateOnly.Parse(history[i].Day, CultureInfo.InvariantCulture).AddDays(1);
                var to = i + 1 < history.Count ? DateOnly.Parse(history[i + 1].Day, CultureInfo.InvariantCulture).AddDays(-1) : until;
                for (var day = from; day <= to; day = day.AddDays(1))
                {
                    await connection.ExecuteAsync(
                        """
                        INSERT INTO seat_usage_days (seat_id, day, tenant_id, subscription_id, person_id, vendor_account_id, last_active_on, active,
                            activity_reported, recorded_at)
                        VALUES (@SeatId, @day, @tenantId, @SubscriptionId, @PersonId, @VendorAccountId, @LastActiveOn, @Active, @ActivityReported, @marker)
                        """,
                        new
                        {
                            history[i].SeatId, day = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), tenantId, history[i].SubscriptionId,
                            history[i].PersonId, history[i].VendorAccountId, history[i].LastActiveOn, history[i].Active, history[i].ActivityReported,
                            marker = Marker,
                        });
                    added++;
                }
            }
        }
        return added;
    }

    public static async Task RemoveRepeatedAsync(LicenceOpsFactory factory)
    {
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await connection.ExecuteAsync("DELETE FROM seat_usage_days WHERE recorded_at = @marker", new { marker = Marker });
    }
}
