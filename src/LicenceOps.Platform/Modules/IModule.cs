using Hangfire;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Platform.Modules;

/// <summary>
/// A unit of the product that can run in any host: it owns its database, endpoints, consumers and jobs,
/// and talks to other modules only through the message contracts.
/// </summary>
public interface IModule
{
    /// <summary>"Tenants", "Seats"...: names the module's database (data/&lt;name&gt;.db) and its configuration section.</summary>
    string Name { get; }

    void AddServices(IServiceCollection services, IConfiguration configuration);

    void AddConsumers(IBusRegistrationConfigurator bus) { }

    void MapEndpoints(IEndpointRouteBuilder endpoints);

    void ScheduleJobs(IRecurringJobManager jobs) { }

    /// <summary>
    /// After migrations, the demo seed and <see cref="ScheduleJobs"/>: recurring jobs that mirror rows of the module's
    /// database (one per vendor account…) are re-created from it, since the embedded in-memory job store starts empty and
    /// the SQL Server one may hold jobs whose row is gone. The database is the source of truth.
    /// </summary>
    Task SynchroniseJobsAsync(IServiceProvider services, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Seeds the demo rows once; must be idempotent because it runs at every start.</summary>
    Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct) => Task.CompletedTask;
}
