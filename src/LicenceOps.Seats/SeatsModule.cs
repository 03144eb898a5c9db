using Hangfire;
using LicenceOps.Platform.Auditing;
using LicenceOps.Platform.Modules;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Consumers;
using LicenceOps.Seats.Demo;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Features.Catalogue;
using LicenceOps.Seats.Features.Findings;
using LicenceOps.Seats.Features.SettingsWatch;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Features.ManualTasks;
using LicenceOps.Seats.Features.PurchasedQuantities;
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
using LicenceOps.Platform.Http.ListCache;
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
        services.AddOptions<SeatsOptions>().Bind(configuration.GetSection(Name))
            .Validate(o => o.TakeOverLeaseSeconds is >= 2 and <= 3600 && o.TakeOverChunkRows is >= 1 and <= 5000,
                "Seats: TakeOverLeaseSeconds must be 2..3600 and TakeOverChunkRows 1..5000.")
            .Validate(o => ReconciliationCron.IsExpressible(o.Reconciliation.IntervalMinutes), $"Seats:Reconciliation:IntervalMinutes: {ReconciliationCron.Explanation}")
            .ValidateOnStart();
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
        services.AddScoped<RenewalFindingsJob>();
        services.AddScoped<ReconciliationRunner>();
        services.AddSingleton<RememberedInputs>();
        services.AddSingleton<ReconciliationGroupCommit>();
        services.AddScoped<ReconciliationScheduler>();
        services.AddScoped<VendorAccountReconciliationJob>();
        services.AddScoped<ReconciliationCatchUpJob>();
        services.AddScoped<UsageRetentionJob>();
        services.AddSingleton<TransferKicker>();
        services.AddHostedService(sp => sp.GetRequiredService<TransferKicker>());
        services.AddSingleton<TakeOverJobs>();
        services.AddSingleton<TakeOverWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<TakeOverWorker>());
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
        bus.AddConsumer<PersonRenamedConsumer>();
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

        api.MapGet("/catalogue", ReadCatalogue.ListAsync)
            .WithSummary("The catalogue: every plan with its list price, unit, billing cycle and frequency.");
        api.MapGet("/catalogue/plans/{code}", ReadCatalogue.GetPlanAsync)
            .WithSummary("One catalogue plan by its code.");
        api.MapPost("/catalogue/plans", SavePlan.CreateAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Add a plan to the catalogue (staff).");
        api.MapPut("/catalogue/plans/{code}", SavePlan.UpdateAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Correct a plan's name or list terms (staff; send the ETag read in If-Match: a stale edit is a 409); subscriptions on it are re-announced to Billing.");

        var tenant = api.MapGroup("/tenants/{tenantId:guid}");

        tenant.MapGet("/subscriptions", ReadSubscriptions.ListAsync)
            .WithSummary("A tenant's subscriptions with committed and occupied seats.")
            .CachePerTenant<SeatsModule>(ListScopes.Subscriptions, ListScopes.MayRead);
        tenant.MapGet("/subscriptions/{subscriptionId:guid}", ReadSubscriptions.GetAsync)
            .WithSummary("One subscription of the tenant.");
        tenant.MapGet("/subscriptions/{subscriptionId:guid}/history", ReadSubscriptions.HistoryAsync)
            .WithSummary("A subscription's changes (quantity, price) with their effective dates.");
        tenant.MapPost("/subscriptions", CreateSubscription.HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Create a subscription of a catalogue plan for a tenant Seats knows (staff).");
        tenant.MapPost("/subscriptions/{subscriptionId:guid}/quantity", ChangeSubscription.QuantityAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Change the committed quantity, optionally from a past effective date (staff).");
        tenant.MapPut("/subscriptions/{subscriptionId:guid}/price", ChangeSubscription.PriceAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Change the EUR sale price per seat, optionally from a past effective date (staff).");

        tenant.MapGet("/seats", ReadSeats.ListAsync)
            .WithSummary("A tenant's seats (filter by subscription, person or status).")
            .CachePerTenant<SeatsModule>(ListScopes.Seats, ListScopes.MayRead);
        tenant.MapGet("/seats/{seatId:guid}", ReadSeats.GetAsync)
            .WithSummary("One seat of the tenant.");
        tenant.MapGet("/seats/{seatId:guid}/history", ReadSeats.HistoryAsync)
            .WithSummary("A seat's status changes.");
        tenant.MapPost("/seats", AssignSeat.HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Assign a seat of a subscription to a person, optionally dated in the past (staff).");
        tenant.MapImportSeats();
        tenant.MapPost("/seats/{seatId:guid}/transitions", ChangeSeat.TransitionAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Move a seat to another status (requested, invited, active, suspended, released) (staff).");
        tenant.MapPost("/seats/{seatId:guid}/unassign", ChangeSeat.UnassignAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Release a seat, optionally dated in the past (staff); starts the release workflow.");
        tenant.MapPost("/seats/{seatId:guid}/reassign", ChangeSeat.ReassignAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Give a seat to another person of the tenant (staff).");

        tenant.MapGet("/seat-requests", SeatRequestEndpoints.ListAsync)
            .WithSummary("A tenant's seat requests.");
        tenant.MapPost("/seat-requests", SeatRequestEndpoints.CreateAsync)
            .WithSummary("Request a seat for a person of the tenant (client admins and staff).");
        tenant.MapPost("/seat-requests/{requestId:guid}/approve", SeatRequestEndpoints.ApproveAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Approve a seat request: the seat is assigned (staff).");
        tenant.MapPost("/seat-requests/{requestId:guid}/reject", SeatRequestEndpoints.RejectAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Reject a seat request with a reason (staff).");

        tenant.MapGet("/seat-templates", SeatTemplateEndpoints.ListAsync)
            .WithSummary("Department templates: the subscriptions a member of a department gets on joining.");
        tenant.MapPost("/seat-templates", SeatTemplateEndpoints.CreateAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Add a subscription to a department's template (staff); the department must be the tenant's.");
        tenant.MapDelete("/seat-templates/{templateId:guid}", SeatTemplateEndpoints.DeleteAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Remove a subscription from a department's template (staff).");

        tenant.MapGet("/transfers", TransferEndpoints.ListAsync)
            .WithSummary("A tenant's workflows (onboarding, department move, offboarding, seat assignment and release) with their steps.");
        tenant.MapGet("/transfers/{transferId:guid}", TransferEndpoints.GetAsync)
            .WithSummary("One workflow with its steps.");
        tenant.MapPost("/transfers/{transferId:guid}/retry", TransferEndpoints.RetryAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Retry the failed or blocked steps of a workflow now (staff).");

        tenant.MapGet("/manual-tasks", ManualTaskEndpoints.ListAsync)
            .WithSummary("A tenant's manual tasks (vendor actions staff do by hand).");
        tenant.MapPost("/manual-tasks/{taskId:guid}/confirm", ManualTaskEndpoints.ConfirmAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Confirm a manual task is done (staff); its workflow step completes.");

        ReadVendorAccounts.Map(tenant);
        ReadVendorAccountOverview.Map(api);
        SaveVendorAccount.Map(tenant);
        TestVendorAccount.Map(tenant);
        ConnectSubscription.Map(tenant);
        ImportMemberExport.Map(tenant);
        TakeOverEstate.Map(tenant);
        ReadTakeOverJobs.Map(tenant);
        ReconcileVendorAccount.Map(tenant);
        ChangeReconciliationSchedule.Map(tenant);
        DeleteVendorAccount.Map(tenant);
        PurchasedQuantityEndpoints.Map(tenant);

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
        // The sweeper of ADR 0020 gave way to one job per vendor account (ADR 0027); a SQL Server job store still holds it.
        jobs.RemoveIfExists("seats:reconciliation");
        jobs.AddOrUpdate<UsageRetentionJob>(UsageRetentionJob.Name, j => j.RunAsync(CancellationToken.None), "41 2 * * *");
        jobs.AddOrUpdate<RenewalFindingsJob>(RenewalFindingsJob.Name, j => j.RunAsync(CancellationToken.None), "17 * * * *");
    }

    public async Task SynchroniseJobsAsync(IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<ReconciliationScheduler>().SynchroniseAllAsync(ct);

    public Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct) => SeatsDemoData.SeedAsync(services, ct);
}
