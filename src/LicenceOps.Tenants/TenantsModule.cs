using LicenceOps.Platform;
using Hangfire;
using LicenceOps.Platform.Auditing;
using LicenceOps.Platform.Modules;
using LicenceOps.Tenants.Domain;
using LicenceOps.Tenants.Features.Departments;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Features.People.ExportPeople;
using LicenceOps.Tenants.Features.People.ImportPeople;
using LicenceOps.Tenants.Features.Tenants;
using LicenceOps.Tenants.Jobs;
using LicenceOps.Tenants.Seeding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Tenants;

/// <summary>Client companies (tenants), their departments and their people, with the joiner/mover/leaver events.</summary>
public sealed class TenantsModule : IModule
{
    public const string PeopleStatusJobId = "tenants:people-status";

    public string Name => "Tenants";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddTransient<PeopleStatusSweep>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/tenants").WithTags("Tenants");
        group.MapTenantEndpoints();
        group.MapDepartmentEndpoints();
        group.MapPeopleEndpoints();
        group.MapImportPeople();
        group.MapExportPeople();
        group.MapAuditLog<TenantsModule>();
    }

    public void ScheduleJobs(IRecurringJobManager jobs) =>
        // Hourly rather than daily: a missed midnight run (restart, outage) is caught up within the hour.
        jobs.AddOrUpdate<PeopleStatusSweep>(
            PeopleStatusJobId,
            sweep => sweep.RunAsync(CancellationToken.None),
            "5 * * * *",
            new RecurringJobOptions { TimeZone = ParisCalendar.Zone });

    public Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct) =>
        DemoSeed.RunAsync(services, ct);
}
