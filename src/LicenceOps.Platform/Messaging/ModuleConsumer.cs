using LicenceOps.Platform.Data;
using LicenceOps.Platform.Modules;
using MassTransit;

namespace LicenceOps.Platform.Messaging;

/// <summary>
/// A consumer whose effects commit exactly once per message: the (MessageId, consumer) inbox row, the
/// handler's writes and any outbox messages share one transaction, so a redelivered message changes nothing.
/// </summary>
public abstract class ModuleConsumer<TModule, TMessage>(ModuleDatabase<TModule> database) : IConsumer<TMessage>
    where TModule : IModule
    where TMessage : class
{
    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId.");
        var consumer = ConsumerNames.Of(GetType());

        using var actor = ActorScope.Begin(Actor.System(consumer));
        await database.WriteAsync(async unit =>
        {
            var claimed = await unit.ExecuteAsync(
                """
                INSERT INTO inbox_messages (message_id, consumer, processed_at)
                SELECT @messageId, @consumer, @now
                WHERE NOT EXISTS (SELECT 1 FROM inbox_messages WHERE message_id = @messageId AND consumer = @consumer)
                """,
                new { messageId, consumer, now = unit.Now });
            if (claimed == 0)
            {
                return;
            }

            await HandleAsync(context.Message, unit, context.CancellationToken);
        }, context.CancellationToken);
    }

    protected abstract Task HandleAsync(TMessage message, UnitOfWork uow, CancellationToken ct);
}

internal static class ConsumerNames
{
    /// <summary>The inbox's consumer column; the embedded outbox looks for it to know a message was handled.</summary>
    public static string Of(Type consumerType) => consumerType.Name;
}
