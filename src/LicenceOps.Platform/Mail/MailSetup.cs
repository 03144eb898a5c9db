using LicenceOps.Platform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Mail;

/// <summary>One mail service for every module: options, the transport, and a dispatcher per module database.</summary>
public static class MailSetup
{
    public static IServiceCollection AddLicenceOpsMail(
        this IServiceCollection services, IConfiguration configuration, DatabaseOptions database, IEnumerable<Type> moduleDatabaseTypes)
    {
        var options = configuration.GetSection(MailOptions.SectionName).Get<MailOptions>() ?? new MailOptions();
        if (!MailQueue.IsAddress(options.From))
        {
            throw new InvalidOperationException($"Mail:From must be an e-mail address, not '{options.From}'.");
        }

        if (options.SmtpConfigured)
        {
            // Fails at start on a misspelt security mode rather than at the first invoice.
            SmtpMailTransport.SecurityOf(options.Smtp.Security);
        }

        services.AddSingleton(options);
        services.AddSingleton<IMailTransport>(_ => options.SmtpConfigured
            ? new SmtpMailTransport(options.Smtp)
            : new PickupFolderMailTransport(options.PickupDirectory ?? Path.Combine(database.DataDirectory, "mail-pickup")));
        services.AddHostedService<MailStartupNotice>();
        foreach (var type in moduleDatabaseTypes)
        {
            // Registered after the bus and the outbox dispatchers, like them a loop over its module's database.
            services.AddSingleton<IHostedService>(sp => new MailDispatcher(
                (ModuleDatabase)sp.GetRequiredService(type),
                sp.GetRequiredService<IMailTransport>(),
                sp.GetServices<IMailAttachmentResolver>(),
                sp.GetRequiredService<MailOptions>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MailDispatcher>>()));
        }

        return services;
    }
}

/// <summary>Says at start where mail goes, so nobody believes invoices reached clients when they sit in a folder.</summary>
internal sealed partial class MailStartupNotice(IMailTransport transport, ILogger<MailStartupNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (transport is PickupFolderMailTransport)
        {
            LogPickup(transport.Description);
        }
        else
        {
            LogSmtp(transport.Description);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail: outgoing mail goes to the {Target}")]
    private partial void LogPickup(string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail: outgoing mail goes to {Target}")]
    private partial void LogSmtp(string target);
}
