using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace LicenceOps.Bench.Http;

/// <summary>
/// Outbox lag of the messages one scenario wrote: from the write's transaction to the last consumer's inbox commit
/// (<see cref="P50Ms"/>, <see cref="P99Ms"/>, <see cref="MaxMs"/>), and, for comparison, to the dispatcher's
/// <c>dispatched_at</c> mark (<see cref="MarkedP99Ms"/>).
/// </summary>
internal sealed record OutboxLagResult(int Messages, int Undispatched, double P50Ms, double P99Ms, double MaxMs, double MarkedP99Ms);

/// <summary>
/// Reads the Tenants database's outbox after the person-write scenario: every row written during it carries
/// <c>created_at</c> (inside the write transaction), and each consumer module's <c>inbox_messages</c> row carries
/// <c>processed_at</c> (inside the consumer's transaction). The lag of a message is from the first to the last of
/// those: what a consumer module sees, under the write load that produced the rows. <c>dispatched_at</c>, which the
/// embedded host sets once every consumer has committed, says the message is complete; it is not used as the time,
/// because the dispatcher looks for completed deliveries only when it wakes (a new write, or its 1 s poll), so the last
/// messages of a burst get their mark up to a second after their consumers finished. Rows still undispatched after the
/// grace period count with the time waited, so a stuck dispatcher shows as a huge lag instead of vanishing.
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
            List<(string Id, string Created, string? Dispatched)> rows;
            await using (var connection = new SqliteConnection(connectionString))
            {
                await connection.OpenAsync();
                rows = (await connection.QueryAsync<(string, string, string?)>(
                    "SELECT id, created_at, dispatched_at FROM outbox_messages WHERE created_at >= @from AND created_at <= @until",
                    new { from = Text(from), until = Text(until) })).AsList();
            }
            var undispatched = rows.Count(r => r.Dispatched is null);
            if (undispatched > 0 && waited.Elapsed < grace)
            {
                await Task.Delay(250);
                continue;
            }

            var consumed = await LastInboxCommitsAsync(dataDirectory, from);
            var now = DateTimeOffset.UtcNow;
            double Lag((string Id, string Created, string? Dispatched) r, bool marked) =>
                ((r.Dispatched is null ? now
                    : !marked && consumed.TryGetValue(r.Id, out var last) ? last
                    : Parse(r.Dispatched)) - Parse(r.Created)).TotalMilliseconds;
            var lags = rows.Select(r => Lag(r, marked: false)).Order().ToArray();
            var marks = rows.Select(r => Lag(r, marked: true)).Order().ToArray();
            return new OutboxLagResult(rows.Count, undispatched, LoadGenerator.Percentile(lags, 0.50), LoadGenerator.Percentile(lags, 0.99),
                lags.Length == 0 ? 0 : lags[^1], LoadGenerator.Percentile(marks, 0.99));
        }
    }

    /// <summary>Per message id, the latest inbox commit of any consumer in any module database of the host.</summary>
    private static async Task<Dictionary<string, DateTimeOffset>> LastInboxCommitsAsync(string dataDirectory, DateTimeOffset from)
    {
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.GetFiles(dataDirectory, "*.db"))
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            }.ToString());
            await connection.OpenAsync();
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'inbox_messages'") != 1)
            {
                continue;
            }
            foreach (var (id, processed) in await connection.QueryAsync<(string, string)>(
                         "SELECT message_id, processed_at FROM inbox_messages WHERE processed_at >= @from", new { from = Text(from) }))
            {
                var at = Parse(processed);
                if (!last.TryGetValue(id, out var seen) || at > seen)
                {
                    last[id] = at;
                }
            }
        }
        return last;
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
