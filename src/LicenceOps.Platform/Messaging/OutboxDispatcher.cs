using System.Diagnostics;
using System.Text.Json;
using Dapper;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Observability;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Messaging;

/// <summary>
/// Publishes a module's committed outbox rows in order and records, one statement per batch, what became of them.
/// The row id becomes the bus MessageId, so a row published twice is dropped by consumers' inboxes.
/// <para>
/// RabbitMQ: a row is dispatched once the broker confirmed it (MassTransit waits for publisher confirms).
/// In-memory transport: the transport confirms nothing durable, so a published row stays undispatched until every
/// in-process consumer of its type has committed its inbox row; rows published by an earlier process (lost with its
/// memory on a crash) or unconfirmed for <see cref="OutboxOptions.RedeliverAfter"/> are published again.
/// </para>
/// </summary>
internal sealed partial class OutboxDispatcher(
    ModuleDatabase database,
    IBus bus,
    InboxConsumers consumers,
    OutboxOptions options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private const int CompletionChunk = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// While commits keep waking it, the dispatcher starts a pass at most this long after its previous one began (ADR 0082): the
    /// rows of the commits in between are published and marked by one pass, one write transaction, instead of one each. A wake
    /// after a quiet spell starts a pass at once.
    /// </summary>
    internal static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(100);

    /// <summary>Names this process on the rows it publishes; any other epoch on an unconfirmed row is a dead process.</summary>
    private readonly Guid epoch = Guid.NewGuid();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var published = 0;
            var passStarted = Stopwatch.GetTimestamp();
            try
            {
                published = await DispatchBatchAsync(stoppingToken);
                if (options.TrackConsumerInboxes)
                {
                    await CompleteDeliveredAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogDispatchFailed(ex, database.Module);
            }

            if (published < BatchSize)
            {
                try
                {
                    // Real time on purpose: tests replace the injected TimeProvider with a clock that never advances.
                    if (await database.OutboxSignal.WaitAsync(PollInterval, stoppingToken)
                        && Pace - Stopwatch.GetElapsedTime(passStarted) is { Ticks: > 0 } rest)
                    {
                        // Woken by a commit less than Pace after this pass began: commits are streaming in (a reconciliation's
                        // per-account runs commit every few milliseconds, each with its events). Each pass marks what it published
                        // in a write transaction, which takes SQLite's one write lock from the writers and makes every other
                        // connection's page cache start over; one pass per commit was as many transactions again as the
                        // writers' own (docs/performance.md, feat/i11ko). So the rows of the commits until then wait for one pass.
                        await Task.Delay(rest, stoppingToken);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    internal async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var pending = await database.QueryAsync<OutboxRow>(
            database.Dialect.Top(
                """
                SELECT id AS Id, message_type AS MessageType, body AS Body, attempts AS Attempts
                FROM outbox_messages
                WHERE dispatched_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
                  AND (published_at IS NULL OR publish_epoch IS NULL OR publish_epoch <> @epoch OR published_at < @redeliverBefore)
                ORDER BY seq
                """,
                "@batch"),
            new { now, epoch, redeliverBefore = now - options.RedeliverAfter, batch = BatchSize },
            ct);

        var published = new List<(Guid Id, Type Type)>();
        foreach (var row in pending)
        {
            try
            {
                var type = MessageTypeNames.Resolve(row.MessageType);
                var message = JsonSerializer.Deserialize(row.Body, type, MessageTypeNames.Json)
                    ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty body.");
                await bus.Publish(message, type, context => context.MessageId = row.Id, ct);
                published.Add((row.Id, type));
                Telemetry.OutboxPublished.Add(1, new KeyValuePair<string, object?>("module", database.Module));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stop this batch (a broker outage refuses every row: no point in trying the rest now) and retry the row after a
                // back-off; the rows after it go on at the next pass, so one row the transport keeps refusing does not hold the
                // module's other events back (consumers do not rely on order: docs/messaging.md). What the batch published before
                // it and the failure's back-off are one write, through the module's write gate like every other (ADR 0083).
                var delay = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, row.Attempts)));
                var marked = await RecordOutcomeAsync(published, new FailedPublish(row.Id, ex.Message, time.GetUtcNow() + delay), ct);
                LogPublishFailed(ex, database.Module, row.Id, marked);
                Telemetry.OutboxFailures.Add(1, new KeyValuePair<string, object?>("module", database.Module));
                return 0;
            }
        }

        await RecordOutcomeAsync(published, failed: null, ct);
        return pending.Count;
    }

    /// <summary>
    /// One UPDATE per outcome for the whole batch, not one autocommit per row, in one write transaction: the rows published, and
    /// the row whose publish failed (if any) with its next attempt. Returns how many failed rows were marked (0 or 1).
    /// </summary>
    private async Task<int> RecordOutcomeAsync(IReadOnlyList<(Guid Id, Type Type)> published, FailedPublish? failed, CancellationToken ct)
    {
        if (published.Count == 0 && failed is null)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        // A message nobody in this process consumes is delivered as soon as the transport took it.
        var done = published.Where(p => !options.TrackConsumerInboxes || consumers.Of(p.Type).Count == 0).Select(p => p.Id).ToList();
        var awaiting = published.Select(p => p.Id).Except(done).ToList();
        return await database.WriteAsync(async unit =>
        {
            if (done.Count > 0)
            {
                await unit.ExecuteAsync(
                    "UPDATE outbox_messages SET published_at = @now, publish_epoch = @epoch, dispatched_at = @now, last_error = NULL WHERE id IN @done",
                    new { now, epoch, done });
            }

            if (awaiting.Count > 0)
            {
                await unit.ExecuteAsync(
                    "UPDATE outbox_messages SET published_at = @now, publish_epoch = @epoch, last_error = NULL WHERE id IN @awaiting AND dispatched_at IS NULL",
                    new { now, epoch, awaiting });
            }

            return failed is null
                ? 0
                : await unit.ExecuteAsync(
                    "UPDATE outbox_messages SET attempts = attempts + 1, last_error = @Error, next_attempt_at = @NextAttemptAt WHERE id = @Id AND dispatched_at IS NULL",
                    failed);
        }, ct);
    }

    /// <summary>Embedded mode: marks dispatched the published rows whose consumers have all committed their inbox row.</summary>
    internal async Task<int> CompleteDeliveredAsync(CancellationToken ct)
    {
        var completed = 0;
        long after = 0;
        while (true)
        {
            var inFlight = await database.QueryAsync<InFlightRow>(
                database.Dialect.Top(
                    """
                    SELECT seq AS Seq, id AS Id, message_type AS MessageType FROM outbox_messages
                    WHERE dispatched_at IS NULL AND published_at IS NOT NULL AND seq > @after
                    ORDER BY seq
                    """,
                    "@chunk"),
                new { after, chunk = CompletionChunk },
                ct);
            if (inFlight.Count == 0)
            {
                return completed;
            }

            after = inFlight[^1].Seq;
            var expected = inFlight.ToDictionary(r => r.Id, r => consumers.Of(MessageTypeNames.Resolve(r.MessageType)));
            var handled = new HashSet<(Guid, string)>();
            foreach (var group in expected.SelectMany(e => e.Value.Select(c => (Row: e.Key, Consumer: c))).GroupBy(x => x.Consumer.Database))
            {
                var ids = group.Select(x => x.Row).Distinct().ToList();
                var rows = await group.Key.QueryAsync<InboxRow>(
                    "SELECT message_id AS MessageId, consumer AS Consumer FROM inbox_messages WHERE message_id IN @ids",
                    new { ids },
                    ct);
                handled.UnionWith(rows.Select(r => (r.MessageId, $"{group.Key.Module}/{r.Consumer}")));
            }

            var delivered = expected
                .Where(e => e.Value.All(c => handled.Contains((e.Key, $"{c.Database.Module}/{c.Name}"))))
                .Select(e => e.Key)
                .ToList();
            if (delivered.Count > 0)
            {
                var now = time.GetUtcNow();
                completed += await database.WriteAsync(unit => unit.ExecuteAsync(
                    "UPDATE outbox_messages SET dispatched_at = @now WHERE id IN @delivered AND dispatched_at IS NULL",
                    new { now, delivered }), ct);
            }

            if (inFlight.Count < CompletionChunk)
            {
                return completed;
            }
        }
    }

    private sealed record OutboxRow(Guid Id, string MessageType, string Body, long Attempts);

    private sealed record FailedPublish(Guid Id, string Error, DateTimeOffset NextAttemptAt);

    private sealed record InFlightRow(long Seq, Guid Id, string MessageType);

    private sealed record InboxRow(Guid MessageId, string Consumer);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Module}: outbox dispatch failed")]
    private partial void LogDispatchFailed(Exception ex, string module);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Module}: publishing outbox message {MessageId} failed; will retry ({Marked} row marked)")]
    private partial void LogPublishFailed(Exception ex, string module, Guid messageId, int marked);
}
