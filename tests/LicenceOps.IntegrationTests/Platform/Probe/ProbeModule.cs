using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Platform.Modules;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Platform.Probe;

/// <summary>
/// A test-only module that publishes PersonJoined through the outbox (POST /api/probe/joined) and records
/// every PersonJoined it consumes, so messaging guarantees can be checked end to end.
/// </summary>
public sealed class ProbeModule : IModule
{
    public string Name => "Probe";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) => bus.AddConsumer<ProbePersonJoinedConsumer>();

    public void MapEndpoints(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/probe/joined", async (ModuleDatabase<ProbeModule> db, int? count) =>
        {
            var published = new List<Guid>();
            await db.WriteAsync(async unit =>
            {
                for (var i = 0; i < (count ?? 1); i++)
                {
                    var id = Guid.NewGuid();
                    published.Add(id);
                    await unit.PublishAsync(new PersonJoined(id, Guid.NewGuid(), $"p{i}@probe.test", "Probe", null, DateOnly.FromDateTime(unit.Now.UtcDateTime), unit.Now));
                }
            });
            return Results.Ok(published);
        }).AllowAnonymous();

    public static Task<IReadOnlyList<Guid>> ConsumedAsync(ModuleDatabase<ProbeModule> db) =>
        db.QueryAsync<Guid>("SELECT person_id FROM probe_consumed");
}

public sealed class ProbePersonJoinedConsumer(ModuleDatabase<ProbeModule> db) : ModuleConsumer<ProbeModule, PersonJoined>(db)
{
    protected override Task HandleAsync(PersonJoined message, UnitOfWork uow, CancellationToken ct) =>
        uow.ExecuteAsync("INSERT INTO probe_consumed (person_id, consumed_at) VALUES (@PersonId, @now)", new { message.PersonId, now = uow.Now });
}
