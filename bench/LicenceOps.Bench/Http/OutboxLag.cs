using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace LicenceOps.Bench.Http;

/// <summary>Outbox lag of the messages one scenario wrote: from the write's transaction to "dispatched".</summary>
internal sealed record OutboxLagResult(int Messages, int Undispatched, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// Reads the Tenants database's outbox after the person-write scenario: every row written during it carries
/// <c>created_at</c> (inside the write transaction) and <c>dispatched_at</c>, which the embedded host sets only once
/// every in-process consumer has committed its inbox row. Their difference is the lag a consumer module sees, under
/// the write load that produced the rows. Rows still undispatched after the grace period count with the time waited,
/// so a stuck dispatcher shows as a huge lag instead of vanishing from the figures.
/// </summary>
internal static class OutboxLag
{
    public static async Task<OutboxLagResult> MeasureAsync(string dataDirectory, DateTimeOffset from, DateTimeOffset until, TimeSpan grace)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "tenants.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            List<(string Created, string? Dispatched)> rows;
            await using (var connection = new SqliteConnection(connectionString))
            {
                await connection.OpenAsync();
                rows = (await connection.QueryAsync<(string, string?)>(
                    "SELECT created_at, dispatched_at FROM outbox_messages WHERE created_at >= @from AND created_at <= @until",
                    new { from = Text(from), until = Text(until) })).AsList();
            }
            var undispatched = rows.Count(r => r.Dispatched is null);
            if (undispatched > 0 && waited.Elapsed < grace)
            {
                await Task.Delay(250);
                continue;
            }

            var now = DateTimeOffset.UtcNow;
            var lags = rows
                .Select(r => ((r.Dispatched is null ? now : Parse(r.Dispatched)) - Parse(r.Created)).TotalMilliseconds)
                .Order()
                .ToArray();
            return new OutboxLagResult(rows.Count, undispatched, LoadGenerator.Percentile(lags, 0.50), LoadGenerator.Percentile(lags, 0.99), lags.Length == 0 ? 0 : lags[^1]);
        }
    }

    /// <summary>
    /// Waits until no module database of the host has an undispatched outbox row, so that consumers still working
    /// through the seed's events do not share the CPU with the scenario being measured.
    /// </summary>
    public static async Task WaitForQuietAsync(string dataDirectory, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            long pending = 0;
            foreach (var file in Directory.GetFiles(dataDirectory, "*.db"))
            {
                await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
                {
                    DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
                }.ToString());
                await connection.OpenAsync();
                if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox_messages'") == 1)
                {
                    pending += await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE dispatched_at IS NULL");
                }
            }
            if (pending == 0)
            {
                return;
            }
            if (waited.Elapsed > timeout)
            {
                Console.WriteLine($"  (still {pending} undispatched outbox messages after {timeout.TotalSeconds:0} s; measuring anyway)");
                return;
            }
            await Task.Delay(250);
        }
    }

    // The host stores instants as fixed-width UTC text, so text comparison is time comparison.
    private static string Text(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
