using Hangfire;
using LicenceOps.Platform.Auditing;
using LicenceOps.Platform.Modules;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Consumers;
using LicenceOps.Seats.Demo;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Features.Catalogue;
using LicenceOps.Seats.Features.Findings;
using LicenceOps.Seats.Features.SettingsWatch;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Features.ManualTasks;
using LicenceOps.Seats.Features.Renewals;
using LicenceOps.Seats.Features.Reports;
using LicenceOps.Seats.Features.SeatRequests;
using LicenceOps.Seats.Features.Seats;
using LicenceOps.Seats.Features.SeatImport;
using LicenceOps.Seats.Features.SeatTemplates;
using LicenceOps.Seats.Features.Subscriptions;
using LicenceOps.Seats.Features.Transfers;
using LicenceOps.Seats.Features.VendorAccounts;
using LicenceOps.Seats.Jobs;
using LicenceOps.Seats.Transfers;
using LicenceOps.Seats.Vendors;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Vendors.Accounts;
using LicenceOps.Seats.Vendors.Anthropic;
using LicenceOps.Seats.Vendors.Csv;
using LicenceOps.Seats.Vendors.Google;
using LicenceOps.Seats.Vendors.Graph;
using LicenceOps.Seats.Vendors.Http;
using LicenceOps.Seats.Vendors.Manual;
using LicenceOps.Seats.Vendors.OpenAi;
using LicenceOps.Seats.Vendors.Scim;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats;

/// <summary>Catalogue, subscriptions, seats and the joiner/mover/leaver workflows.</summary>
public sealed class SeatsModule : IModule
{
    public string Name => "Seats";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SeatsOptions>(configuration.GetSection(Name));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SeatsOptions>>().Value;
            return new StepRetryPolicy(TimeSpan.FromSeconds(options.StepRetryBaseDelaySeconds), options.StepMaxAttempts);
        });
        services.AddSingleton<ManualConnector>();
        // Vendor-specific connectors register as IVendorConnector; vendors without one fall back to the manual connector.
        services.AddSingleton<IVendorConnector>(sp => sp.GetRequiredService<ManualConnector>());
        AddVendorConnectors(services, configuration);
        services.AddScoped<VendorConnectors>();
        services.AddScoped<StepExecutor>();
        services.AddScoped<TransferEngine>();
        services.AddScoped<TransferSweeperJob>();
        services.AddScoped<ReconciliationRunner>();
        services.AddScoped<ReconciliationJob>();
        services.AddSingleton<TransferKicker>();
        services.AddHostedService(sp => sp.GetRequiredService<TransferKicker>());
    }

    private void AddVendorConnectors(IServiceCollection services, IConfiguration configuration)
    {
        var keys = configuration[$"{Name}:CredentialKeyDirectory"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(DatabaseOptions.From(configuration).DataDirectory, "keys");
        VendorCredentials.AddTo(services, keys);
        services.AddSingleton<OAuthTokenCache>();
        services.AddVendorHttpClient<GraphConnector>();
        services.AddVendorHttpClient<OpenAiConnector>();
        services.AddVendorHttpClient<AnthropicConnector>();
        services.AddVendorHttpClient<GoogleConnector>();
        services.AddVendorHttpClient<ScimConnector>();
        services.AddScoped<CsvConnector>();
        services.AddTransient<IVendorConnector>(sp => sp.GetRequiredService<GraphConnector>());
        services.AddTransient<IVendorConnector>(sp => sp.GetRequiredService<OpenAiConnector>());
        services.AddTransient<IVendorConnector>(sp => sp.GetRequiredService<AnthropicConnector>());
        services.AddTransient<IVendorConnector>(sp => sp.GetRequiredService<GoogleConnector>());
        services.AddTransient<IVendorConnector>(sp => sp.GetRequiredService<ScimConnector>());
        services.AddScoped<IVendorConnector>(sp => sp.GetRequiredService<CsvConnector>());
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<PersonJoinedConsumer>();
        bus.AddConsumer<PersonMovedDepartmentConsumer>();
        bus.AddConsumer<PersonLeavingConsumer>();
        bus.AddConsumer<PersonLeftConsumer>();
        bus.AddConsumer<InvoiceIssuedConsumer>();
        bus.AddConsumer<TenantDomainsConsumer>();
        bus.AddConsumer<SeatsTenantProfileConsumer>();
        bus.AddConsumer<SeatsDepartmentConsumer>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").WithTags("Seats");

        api.MapGet("/catalogue", ReadCatalogue.ListAsync);
        api.MapGet("/catalogue/plans/{code}", ReadCatalogue.GetPlanAsync);
        api.MapPost("/catalogue/plans", SavePlan.CreateAsync).RequireAuthorization(Policies.Staff);
        api.MapPut("/catalogue/plans/{code}", SavePlan.UpdateAsync).RequireAuthorization(Policies.Staff);

        var tenant = api.MapGroup("/tenants/{tenantId:guid}");

        tenant.MapGet("/subscriptions", ReadSubscriptions.ListAsync);
        tenant.MapGet("/subscriptions/{subscriptionId:guid}", ReadSubscriptions.GetAsync);
        tenant.MapGet("/subscriptions/{subscriptionId:guid}/history", ReadSubscriptions.HistoryAsync);
        tenant.MapPost("/subscriptions", CreateSubscription.HandleAsync).RequireAuthorization(Policies.Staff);
        tenant.MapPost("/subscriptions/{subscriptionId:guid}/quantity", ChangeSubscription.QuantityAsync).RequireAuthorization(Policies.Staff);
        tenant.MapPut("/subscriptions/{subscriptionId:guid}/price", ChangeSubscription.PriceAsync).RequireAuthorization(Policies.Staff);

        tenant.MapGet("/seats", ReadSeats.ListAsync);
        tenant.MapGet("/seats/{seatId:guid}", ReadSeats.GetAsync);
        tenant.MapGet("/seats/{seatId:guid}/history", ReadSeats.HistoryAsync);
        tenant.MapPost("/seats", AssignSeat.HandleAsync).RequireAuthorization(Policies.Staff);
        tenant.MapImportSeats();
        tenant.MapPost("/seats/{seatId:guid}/transitions", ChangeSeat.TransitionAsync).RequireAuthorization(Policies.Staff);
        tenant.MapPost("/seats/{seatId:guid}/unassign", ChangeSeat.UnassignAsync).RequireAuthorization(Policies.Staff);
        tenant.MapPost("/seats/{seatId:guid}/reassign", ChangeSeat.ReassignAsync).RequireAuthorization(Policies.Staff);

        tenant.MapGet("/seat-requests", SeatRequestEndpoints.ListAsync);
        tenant.MapPost("/seat-requests", SeatRequestEndpoints.CreateAsync);
        tenant.MapPost("/seat-requests/{requestId:guid}/approve", SeatRequestEndpoints.ApproveAsync).RequireAuthorization(Policies.Staff);
        tenant.MapPost("/seat-requests/{requestId:guid}/reject", SeatRequestEndpoints.RejectAsync).RequireAuthorization(Policies.Staff);

        tenant.MapGet("/seat-templates", SeatTemplateEndpoints.ListAsync);
        tenant.MapPost("/seat-templates", SeatTemplateEndpoints.CreateAsync).RequireAuthorization(Policies.Staff);
        tenant.MapDelete("/seat-templates/{templateId:guid}", SeatTemplateEndpoints.DeleteAsync).RequireAuthorization(Policies.Staff);

        tenant.MapGet("/transfers", TransferEndpoints.ListAsync);
        tenant.MapGet("/transfers/{transferId:guid}", TransferEndpoints.GetAsync);
        tenant.MapPost("/transfers/{transferId:guid}/retry", TransferEndpoints.RetryAsync).RequireAuthorization(Policies.Staff);

        tenant.MapGet("/manual-tasks", ManualTaskEndpoints.ListAsync);
        tenant.MapPost("/manual-tasks/{taskId:guid}/confirm", ManualTaskEndpoints.ConfirmAsync).RequireAuthorization(Policies.Staff);

        ReadVendorAccounts.Map(tenant);
        SaveVendorAccount.Map(tenant);
        TestVendorAccount.Map(tenant);
        ConnectSubscription.Map(tenant);
        ImportMemberExport.Map(tenant);
        TakeOverEstate.Map(tenant);
        ReconcileVendorAccount.Map(tenant);

        ReadFindings.Map(api, tenant);
        ChangeFinding.Map(tenant);
        ReclaimSeat.Map(tenant);
        ReconciliationPolicyEndpoints.Map(tenant);
        SettingsWatchEndpoints.Map(api, tenant);

        ReadUsageReport.Map(tenant);
        ReadSavingsLedger.Map(tenant);
        ReadRenewals.Map(api, tenant);
        DecideRenewal.Map(tenant);

        api.MapGroup("/seats").MapAuditLog<SeatsModule>();
    }

    public void ScheduleJobs(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<TransferSweeperJob>(TransferSweeperJob.Name, j => j.RunAsync(CancellationToken.None), "*/5 * * * *");
        jobs.AddOrUpdate<ReconciliationJob>(ReconciliationJob.Name, j => j.RunAsync(CancellationToken.None), "*/5 * * * *");
    }

    public Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct) => SeatsDemoData.SeedAsync(services, ct);
}
