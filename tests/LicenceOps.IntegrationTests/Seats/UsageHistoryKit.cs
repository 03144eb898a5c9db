using System.Globalization;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// Usage history for tests. Usage is stored as one sheet per subscription and day (ADR 0056), written when a seat's values change
/// (ADR 0044). Tests state a history as the rows ADR 0044 stored (a seat's values on the first day they were seen) in a table of
/// their own, and the tenant's sheets are rebuilt from those rows by Seats migration 1620's own conversion statement, so the
/// conversion is what turns them into sheets. The readers must read a history of changes exactly as the same facts repeated
/// every day: this kit also repeats each row on every following day until the seat's next one, and takes the repeats away.
/// </summary>
internal static class UsageHistoryKit
{
    /// <summary>The account that wrote hand-written history (a sheet's account is a GUID).</summary>
    public static readonly Guid Account = Guid.Parse("0A11CE00-0000-4000-8000-000000000001");

    /// <summary>
    /// The rows ADR 0044 would hold, read from the sheets, as a table expression <c>u</c> with its columns: each seat's values
    /// with the day they were first seen (<c>since</c>), once however many sheets carry them.
    /// </summary>
    public const string Rows = """
        (SELECT sh.tenant_id AS tenant_id, sh.subscription_id AS subscription_id, MIN(sh.vendor_account_id) AS vendor_account_id,
                e.value ->> 0 AS seat_id, e.value ->> 5 AS day, e.value ->> 1 AS person_id, e.value ->> 2 AS last_active_on,
                e.value ->> 3 AS active, e.value ->> 4 AS activity_reported
         FROM seat_usage_sheets sh, json_each(sh.seats) e
         GROUP BY sh.tenant_id, sh.subscription_id, e.value ->> 0, e.value ->> 5) AS u
        """;

    public sealed record Row(Guid SeatId, string Day, Guid TenantId, Guid SubscriptionId, Guid PersonId, string? LastActiveOn, bool Active,
        bool ActivityReported = true);

    /// <summary>The recorded_at of the repeated rows: no real row carries it.</summary>
    private const string Marker = "repeated-daily-by-test";

    private const string Table = "usage_rows_for_tests";

    /// <summary>Adds rows to the history and rebuilds the sheets of their tenants from all the rows stated so far.</summary>
    public static async Task AddAsync(LicenceOpsFactory factory, params Row[] rows)
    {
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await CreateTableAsync(connection);
        foreach (var row in rows)
        {
            await connection.ExecuteAsync(
                $"""
                INSERT INTO {Table} (seat_id, day, tenant_id, subscription_id, person_id, vendor_account_id, last_active_on, active,
                    activity_reported, recorded_at)
                VALUES (@SeatId, @Day, @TenantId, @SubscriptionId, @PersonId, @account, @LastActiveOn, @Active, @ActivityReported, @now)
                """, new { row.SeatId, row.Day, row.TenantId, row.SubscriptionId, row.PersonId, account = Account, row.LastActiveOn, row.Active,
                    row.ActivityReported, now = factory.Clock.GetUtcNow() });
        }
        await RebuildAsync(connection);
    }

    private sealed record StoredRow(string SeatId, string Day, string SubscriptionId, string PersonId, string VendorAccountId, string? LastActiveOn,
        long Active, long ActivityReported);

    /// <summary>The tenant's history, each row repeated on every day until the seat's next row (the last one until <paramref name="until"/>).</summary>
    public static async Task<int> RepeatDailyAsync(LicenceOpsFactory factory, Guid tenantId, DateOnly until)
    {
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await CreateTableAsync(connection);
        var rows = (await connection.QueryAsync<StoredRow>(
            $"""
            SELECT seat_id AS SeatId, day AS Day, subscription_id AS SubscriptionId, person_id AS PersonId, vendor_account_id AS VendorAccountId,
                   last_active_on AS LastActiveOn, active AS Active, activity_reported AS ActivityReported
            FROM {Rows} WHERE tenant_id = @tenantId ORDER BY seat_id, day
            """, new { tenantId })).ToList();
        var added = 0;
        foreach (var seat in rows.GroupBy(r => r.SeatId))
        {
            var history = seat.ToList();
            for (var i = 0; i < history.Count; i++)
            {
                var first = DateOnly.Parse(history[i].Day, CultureInfo.InvariantCulture);
                var to = i + 1 < history.Count ? DateOnly.Parse(history[i + 1].Day, CultureInfo.InvariantCulture).AddDays(-1) : until;
                for (var day = first; day <= to; day = day.AddDays(1))
                {
                    // The row itself (kept if the history was stated here already), then its repeats.
                    var inserted = await connection.ExecuteAsync(
                        $"""
                        INSERT OR IGNORE INTO {Table} (seat_id, day, tenant_id, subscription_id, person_id, vendor_account_id, last_active_on, active,
                            activity_reported, recorded_at)
                        VALUES (@SeatId, @day, @tenantId, @SubscriptionId, @PersonId, @VendorAccountId, @LastActiveOn, @Active, @ActivityReported, @recordedAt)
                        """,
                        new
                        {
                            history[i].SeatId, day = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), tenantId, history[i].SubscriptionId,
                            history[i].PersonId, history[i].VendorAccountId, history[i].LastActiveOn, history[i].Active, history[i].ActivityReported,
                            recordedAt = day == first ? "stated-by-test" : Marker,
                        });
                    if (day != first)
                    {
                        added += inserted;
                    }
                }
            }
        }
        await RebuildAsync(connection);
        return added;
    }

    public static async Task RemoveRepeatedAsync(LicenceOpsFactory factory)
    {
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await connection.ExecuteAsync($"DELETE FROM {Table} WHERE recorded_at = @marker", new { marker = Marker });
        await RebuildAsync(connection);
    }

    private static Task CreateTableAsync(System.Data.Common.DbConnection connection) => connection.ExecuteAsync(
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            tenant_id TEXT NOT NULL, day TEXT NOT NULL, seat_id TEXT NOT NULL, subscription_id TEXT NOT NULL, person_id TEXT NOT NULL,
            vendor_account_id TEXT NOT NULL, last_active_on TEXT NULL, active INTEGER NOT NULL, activity_reported INTEGER NOT NULL,
            recorded_at TEXT NOT NULL, PRIMARY KEY (tenant_id, day, seat_id))
        """);

    /// <summary>The sheets of every tenant with stated rows, made again from those rows by the migration's conversion.</summary>
    private static async Task RebuildAsync(System.Data.Common.DbConnection connection)
    {
        await connection.ExecuteAsync($"DELETE FROM seat_usage_sheets WHERE tenant_id IN (SELECT tenant_id FROM {Table})");
        await connection.ExecuteAsync(Conversion.Value);
    }

    private static readonly Lazy<string> Conversion = new(() =>
    {
        var script = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "LicenceOps.Seats", "Sql", "sqlite", "1620_usage_sheets.sql"));
        var start = script.IndexOf("INSERT INTO seat_usage_sheets", StringComparison.Ordinal);
        return script[start..(script.IndexOf(';', start) + 1)].Replace("seat_usage_days", Table, StringComparison.Ordinal);
    });
}
