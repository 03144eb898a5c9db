using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Messaging.Publisher;

/// <summary>
/// Test-only module standing in for an owning module: it writes PersonJoined through its outbox
/// (<see cref="UnitOfWork.PublishAsync{T}"/>), exactly as Tenants does, and consumes nothing.
/// </summary>
public sealed class JoinedPublisherModule : IModule
{
    public string Name => "JoinedPublisher";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }

    /// <summary>Publishes <paramref name="count"/> PersonJoined in one transaction and returns their person ids.</summary>
    public static Task<List<Guid>> PublishJoinedAsync(ModuleDatabase<JoinedPublisherModule> db, int count) =>
        db.WriteAsync(async unit =>
        {
            var tenantId = Guid.NewGuid();
            var people = new List<Guid>();
            for (var i = 0; i < count; i++)
            {
                var personId = Guid.NewGuid();
                people.Add(personId);
                await unit.PublishAsync(new PersonJoined(
                    personId, tenantId, $"person{i}@publisher.test", $"Person {i}", null, DateOnly.FromDateTime(unit.Now.UtcDateTime), unit.Now));
            }

            return people;
        });

    public static Task<long> UndispatchedAsync(ModuleDatabase<JoinedPublisherModule> db) =>
        db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE dispatched_at IS NULL");
}
