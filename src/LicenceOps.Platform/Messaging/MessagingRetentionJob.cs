using LicenceOps.Platform.Data;
using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Jobs;

namespace LicenceOps.Platform.Messaging;

/// <summary>
/// Hangfire recurring job: deletes delivered outbox rows and inbox rows older than <see cref="OutboxOptions.Retention"/>
/// (default 14 days), in small batches so no single transaction holds the database for long. Undelivered outbox rows
/// are never deleted. An inbox row only has to outlive the redeliveries of its message, which stop once the
/// publisher marked the row delivered.
/// </summary>
public sealed class MessagingRetentionJob(ModuleDatabases databases, OutboxOptions options, TimeProvider time)
{
    public const string Name = "platform:messaging-retention";
    private const int BatchSize = 1000;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Name);
        var cutoff = time.GetUtcNow() - options.Retention;
        var deleted = 0;
        foreach (var database in databases.All)
        {
            deleted += await DeleteInBatchesAsync(database, database.Dialect.Top(
                "SELECT seq FROM outbox_messages WHERE dispatched_at IS NOT NULL AND dispatched_at < @cutoff ORDER BY seq", "@batch"),
                "DELETE FROM outbox_messages WHERE seq IN ({0})", cutoff, ct);
            deleted += await DeleteInBatchesAsync(database, database.Dialect.Top(
                "SELECT message_id FROM inbox_messages WHERE processed_at < @cutoff ORDER BY processed_at", "@batch"),
                "DELETE FROM inbox_messages WHERE processed_at < @cutoff AND message_id IN ({0})", cutoff, ct);
        }

        return deleted;
    }

    private static async Task<int> DeleteInBatchesAsync(ModuleDatabase database, string selectBatch, string delete, DateTimeOffset cutoff, CancellationToken ct)
    {
        var total = 0;
        while (!ct.IsCancellationRequested)
        {
            var rows = await database.WriteAsync(unit => unit.ExecuteAsync(
                string.Format(System.Globalization.CultureInfo.InvariantCulture, delete, selectBatch),
                new { cutoff, batch = BatchSize }), ct);
            total += rows;
            if (rows < BatchSize)
            {
                break;
            }
        }

        return total;
    }
}
