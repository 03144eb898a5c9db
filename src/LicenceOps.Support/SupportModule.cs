using Hangfire;
using LicenceOps.Platform;
using LicenceOps.Platform.Auditing;
using LicenceOps.Platform.Modules;
using LicenceOps.Support.Consumers;
using LicenceOps.Support.Demo;
using LicenceOps.Support.Domain;
using LicenceOps.Support.Features.Inbound;
using LicenceOps.Support.Features.Tickets;
using LicenceOps.Support.Jobs;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Support;

/// <summary>The e-mail hotline: tickets, inbound mail, agent replies, SLAs in business hours, tickets opened by business events.</summary>
public sealed class SupportModule : IModule
{
    public string Name => "Support";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SupportOptions.SectionName).Get<SupportOptions>() ?? new SupportOptions();
        if (!Platform.Mail.MailQueue.IsAddress(options.Mailbox))
        {
            throw new InvalidOperationException($"Support:Mailbox must be an e-mail address, not '{options.Mailbox}'.");
        }

        foreach (var priority in TicketPriorities.All)
        {
            var target = options.TargetFor(priority);
            if (target.FirstResponseHours <= 0 || target.ResolutionHours < target.FirstResponseHours)
            {
                throw new InvalidOperationException($"Support:Sla:{priority}: first response must be > 0 and resolution at least as long.");
            }
        }

        // Parses the business hours now, so a typo stops the start instead of the first ticket.
        options.Calendar();
        services.AddSingleton(options);
        services.AddSingleton<TicketWriter>();
        services.AddSingleton<TicketMail>();
        services.AddSingleton<InboundSecret>();
        services.AddSingleton<InboundMailProcessor>();
        services.AddTransient<SlaSweepJob>();
        services.AddTransient<ImapPollJob>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SupportTenantProfileConsumer>();
        bus.AddConsumer<SupportTenantDomainsConsumer>();
        bus.AddConsumer<SupportPersonJoinedConsumer>();
        bus.AddConsumer<SupportPersonRenamedConsumer>();
        bus.AddConsumer<SupportPersonLeavingConsumer>();
        bus.AddConsumer<SupportPersonLeftConsumer>();
        bus.AddConsumer<SupportSeatAssignedConsumer>();
        bus.AddConsumer<PaymentFailedTicketConsumer>();
        bus.AddConsumer<UnpaidInvoiceTicketConsumer>();
        bus.AddConsumer<WrongAccountActivationTicketConsumer>();
        bus.AddConsumer<FindingNeedsClientTicketConsumer>();
        bus.AddConsumer<TransferStepTicketConsumer>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        var tickets = endpoints.MapGroup("/api/tickets").WithTags("Support");
        ListTickets.Map(tickets);
        GetTicket.Map(tickets);
        CreateTicket.Map(tickets);
        UpdateTicket.Map(tickets);
        PostMessage.Map(tickets);
        ResendTicketMail.Map(tickets);
        InboundEmailEndpoint.Map(endpoints);
        endpoints.MapGroup("/api/support").WithTags("Support").MapAuditLog<SupportModule>();
    }

    public void ScheduleJobs(IRecurringJobManager jobs)
    {
        var paris = new RecurringJobOptions { TimeZone = ParisCalendar.Zone };
        jobs.AddOrUpdate<SlaSweepJob>(SlaSweepJob.Id, j => j.RunAsync(CancellationToken.None), "*/5 * * * *", paris);
        jobs.AddOrUpdate<ImapPollJob>(ImapPollJob.Id, j => j.RunAsync(CancellationToken.None), "* * * * *", paris);
    }

    public Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct) => SupportDemoSeed.RunAsync(services, ct);
}
