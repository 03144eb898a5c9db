using LicenceOps.Platform;
using Hangfire;
using LicenceOps.Billing.Consumers;
using LicenceOps.Billing.Documents;
using LicenceOps.Billing.Features.ExchangeRates;
using LicenceOps.Billing.Features.Exports;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Mail;
using LicenceOps.Billing.Features.Payments;
using LicenceOps.Billing.Features.Runs;
using LicenceOps.Billing.Jobs;
using LicenceOps.Billing.Payments;
using LicenceOps.Platform.Auditing;
using LicenceOps.Platform.Mail;
using LicenceOps.Platform.Modules;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Billing;

/// <summary>Monthly euro invoices from seat-days, ECB exchange rates, credit notes, payment follow-up.</summary>
public sealed class BillingModule : IModule
{
    public string Name => "Billing";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.SectionName))
            .Validate(o => o.MarginPercent >= 0 && o.PaymentTermsDays is >= 0 and <= 60 && o.ExchangeRateMaxLookbackDays >= 0
                      && o.RunLeaseSeconds is >= 3 and <= 3600,
                "Billing: MarginPercent must be >= 0, PaymentTermsDays 0..60 (French law caps B2B terms at 60 days), ExchangeRateMaxLookbackDays >= 0, RunLeaseSeconds 3..3600.")
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<BillingOptions>, SellerIdentityValidator>();
        services.AddHttpClient(EcbDailyRatesFetcher.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<ExchangeRateStore>();
        services.AddSingleton<EcbDailyRatesFetcher>();
        services.AddHostedService<RateAgeReport>();
        services.AddSingleton<InvoiceStore>();
        services.AddSingleton<InvoiceDocuments>();
        services.AddSingleton<DocumentFiles>();
        services.AddSingleton<InvoiceRunner>();
        services.AddSingleton<InvoiceRuns>();
        services.AddSingleton<InvoiceRunWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<InvoiceRunWorker>());
        services.AddSingleton<IInvoicePaymentLedger, InvoicePaymentLedger>();
        services.AddTransient<EcbDailyRatesJob>();
        services.AddTransient<MonthlyInvoiceRunJob>();
        services.AddTransient<PaymentRequestJob>();
        services.AddTransient<CollectionsJob>();
        services.AddBillingDocuments();
        if (configuration.GetValue("Demo:Seed", true))
        {
            services.AddHostedService<Demo.BillingDemoHistory>();
        }

        services.AddSingleton<IMailAttachmentResolver, InvoicePdfAttachments>();
        services.AddStripePayments(configuration);
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<TenantProfileChangedConsumer>();
        bus.AddConsumer<SubscriptionQuantityChangedConsumer>();
        bus.AddConsumer<SeatAssignedConsumer>();
        bus.AddConsumer<SeatReleasedConsumer>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // One group for the module; tenant-scoped invoices live under /api/tenants/{id}/invoices for clients.
        var api = endpoints.MapGroup("/api").WithTags("Billing");
        api.MapExchangeRateEndpoints();
        api.MapRunEndpoints();
        api.MapInvoiceEndpoints();
        api.MapPaymentReviewEndpoints();
        api.MapExportEndpoints();
        api.MapInvoiceMailEndpoints();
        api.MapResendInvoiceMail();
        api.MapGroup("/billing").MapAuditLog<BillingModule>();
        endpoints.MapStripeWebhook();
    }

    public void ScheduleJobs(IRecurringJobManager jobs)
    {
        var paris = new RecurringJobOptions { TimeZone = ParisCalendar.Zone };
        jobs.AddOrUpdate<EcbDailyRatesJob>(EcbDailyRatesJob.Id, j => j.RunAsync(CancellationToken.None), "30 16 * * 1-5", paris);
        jobs.AddOrUpdate<MonthlyInvoiceRunJob>(MonthlyInvoiceRunJob.Id, j => j.RunAsync(CancellationToken.None), "0 6 1 * *", paris);
        jobs.AddOrUpdate<PaymentRequestJob>(PaymentRequestJob.Id, j => j.RunAsync(CancellationToken.None), "*/15 * * * *", paris);
        jobs.AddOrUpdate<CollectionsJob>(CollectionsJob.Id, j => j.RunAsync(CancellationToken.None), "0 8 * * *", paris);
    }
}
