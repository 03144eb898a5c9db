using LicenceOps.Platform.Data;
using LicenceOps.Platform.Modules;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Messaging;

/// <summary>MassTransit on the in-memory transport (embedded) or RabbitMQ, plus one outbox dispatcher per module database.</summary>
public static class BusSetup
{
    public static IServiceCollection AddLicenceOpsBus(
        this IServiceCollection services,
        IConfiguration configuration,
        IReadOnlyList<IModule> modules)
    {
        var transport = configuration["Bus:Transport"] ?? "InMemory";
        var prefix = configuration["Bus:EndpointPrefix"] ?? string.Empty;
        var inMemory = transport.Equals("InMemory", StringComparison.OrdinalIgnoreCase);
        services.AddSingleton(OutboxOptions.From(configuration, inMemory));

        services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, false));
            // MassTransit reports usage to its vendor by default; nothing leaves this system unless an operator says so.
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = configuration.GetValue("Bus:UsageTelemetry", false));
            foreach (var module in modules)
            {
                module.AddConsumers(bus);
            }

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
                endpoint.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500))));

            if (transport.Equals("InMemory", StringComparison.OrdinalIgnoreCase))
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
            else if (transport.Equals("RabbitMq", StringComparison.OrdinalIgnoreCase))
            {
                var rabbit = RabbitMqSettings.From(configuration);
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, host =>
                    {
                        host.Username(rabbit.Username);
                        host.Password(rabbit.Password);
                    });
                    if (prefix.Length > 0)
                    {
                        // Queues carry the prefix through the endpoint name formatter; the message-type exchanges
                        // that publishers send to must carry it too, or two environments on one broker and virtual
                        // host would feed each other's queues.
                        cfg.MessageTopology.SetEntityNameFormatter(new PrefixedEntityNameFormatter(prefix, cfg.MessageTopology.EntityNameFormatter));
                    }

                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                throw new InvalidOperationException($"Bus:Transport must be InMemory or RabbitMq, not '{transport}'.");
            }
        });

        services.AddTransient<MessagingRetentionJob>();
        var registered = InboxConsumers.Registered(services);
        services.AddSingleton(sp => InboxConsumers.Build(sp, registered));

        services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(60);
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });

        return services;
    }

    /// <summary>Registered after the bus so that dispatchers start once it is up.</summary>
    public static IServiceCollection AddOutboxDispatchers(this IServiceCollection services, IEnumerable<Type> moduleDatabaseTypes)
    {
        foreach (var type in moduleDatabaseTypes)
        {
            services.AddSingleton<IHostedService>(sp => new OutboxDispatcher(
                (ModuleDatabase)sp.GetRequiredService(type),
                sp.GetRequiredService<IBus>(),
                sp.GetRequiredService<InboxConsumers>(),
                sp.GetRequiredService<OutboxOptions>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<OutboxDispatcher>>()));
        }

        return services;
    }
}

/// <summary>Puts the environment's prefix in front of every message-type exchange name.</summary>
internal sealed class PrefixedEntityNameFormatter(string prefix, IEntityNameFormatter inner) : IEntityNameFormatter
{
    public string FormatEntityName<T>() => $"{prefix}.{inner.FormatEntityName<T>()}";
}

public sealed record RabbitMqSettings(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public static RabbitMqSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Bus:RabbitMq");
        return new RabbitMqSettings(
            section["Host"] ?? "localhost",
            ushort.Parse(section["Port"] ?? "5672", System.Globalization.CultureInfo.InvariantCulture),
            section["VirtualHost"] ?? "/",
            section["Username"] ?? "guest",
            section["Password"] ?? "guest");
    }
}
