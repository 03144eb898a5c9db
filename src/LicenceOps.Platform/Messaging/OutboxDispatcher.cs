using System.Text.Json;
using Dapper;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Observability;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Messaging;

/// <summary>
/// Publishes a module's committed outbox rows in order and marks them dispatched. The row id becomes the
/// bus MessageId, so a row published twice (crash between publish and mark) is dropped by consumers' inboxes.
/// </summary>
internal sealed partial class OutboxDispatcher(
    ModuleDatabase database,
    IBus bus,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var published = 0;
            try
            {
                published = await DispatchBatchAsync(stoppingToken);
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
                    await database.OutboxSignal.WaitAsync(PollInterval, stoppingToken);
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
                ORDER BY seq
                """,
                "@batch"),
            new { now, batch = BatchSize },
            ct);

        foreach (var row in pending)
        {
            try
            {
                var type = MessageTypeNames.Resolve(row.MessageType);
                var message = JsonSerializer.Deserialize(row.Body, type, MessageTypeNames.Json)
                    ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty body.");
                await bus.Publish(message, type, context => context.MessageId = row.Id, ct);
                await MarkAsync("dispatched_at = @now", row.Id, new { now = time.GetUtcNow() }, ct);
                Telemetry.OutboxPublished.Add(1, new KeyValuePair<string, object?>("module", database.Module));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep order per module: stop this batch and retry the same row after a back-off.
                var delay = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, row.Attempts)));
                await MarkAsync(
                    "attempts = attempts + 1, last_error = @error, next_attempt_at = @next",
                    row.Id,
                    new { error = ex.Message, next = time.GetUtcNow() + delay },
                    ct);
                LogPublishFailed(ex, database.Module, row.Id);
                Telemetry.OutboxFailures.Add(1, new KeyValuePair<string, object?>("module", database.Module));
                return 0;
            }
        }

        return pending.Count;
    }

    private async Task MarkAsync(string assignments, Guid id, object values, CancellationToken ct)
    {
        var parameters = new DynamicParameters(values);
        parameters.Add("id", id);
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition($"UPDATE outbox_messages SET {assignments} WHERE id = @id", parameters, cancellationToken: ct));
    }

    private sealed record OutboxRow(Guid Id, string MessageType, string Body, long Attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Module}: outbox dispatch failed")]
    private partial void LogDispatchFailed(Exception ex, string module);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Module}: publishing outbox message {MessageId} failed; will retry")]
    private partial void LogPublishFailed(Exception ex, string module, Guid messageId);
}
