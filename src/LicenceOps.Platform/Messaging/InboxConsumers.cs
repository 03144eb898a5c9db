using LicenceOps.Platform.Data;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Platform.Messaging;

/// <summary>One consumer of a message type in this process, and the module database that holds its inbox.</summary>
internal sealed record InboxConsumer(string Name, ModuleDatabase Database);

/// <summary>
/// Which in-process consumers each message type has. In the embedded mode the in-memory transport confirms
/// nothing durable, so the outbox treats a row as delivered only when every one of these has committed its
/// inbox row for it.
/// </summary>
internal sealed class InboxConsumers(IReadOnlyDictionary<Type, IReadOnlyList<InboxConsumer>> byMessageType)
{
    public IReadOnlyList<InboxConsumer> Of(Type messageType) =>
        byMessageType.TryGetValue(messageType, out var consumers) ? consumers : [];

    /// <summary>Finds the registered <see cref="ModuleConsumer{TModule,TMessage}"/> types (MassTransit adds each consumer type to the container).</summary>
    public static IReadOnlyList<(Type Consumer, Type Module, Type Message)> Registered(IServiceCollection services) =>
        services
            .SelectMany(d => new[] { d.ServiceType, d.ImplementationType })
            .OfType<Type>()
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .Distinct()
            .Select(t => (Consumer: t, Base: ModuleConsumerBase(t)))
            .Where(x => x.Base is not null)
            .Select(x => (x.Consumer, x.Base!.GetGenericArguments()[0], x.Base.GetGenericArguments()[1]))
            .ToList();

    public static InboxConsumers Build(IServiceProvider services, IReadOnlyList<(Type Consumer, Type Module, Type Message)> registered) =>
        new(registered
            .GroupBy(r => r.Message)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<InboxConsumer>)g
                    .Select(r => new InboxConsumer(
                        ConsumerNames.Of(r.Consumer),
                        (ModuleDatabase)services.GetRequiredService(typeof(ModuleDatabase<>).MakeGenericType(r.Module))))
                    .ToList()));

    private static Type? ModuleConsumerBase(Type type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.GetGenericTypeDefinition() == typeof(ModuleConsumer<,>))
            {
                return current;
            }
        }

        return null;
    }
}
