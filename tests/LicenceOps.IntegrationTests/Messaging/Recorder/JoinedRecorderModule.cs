using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Platform.Modules;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Messaging.Recorder;

/// <summary>Test-only consuming module: one row per PersonJoined it handles, so duplicates and losses show.</summary>
public sealed class JoinedRecorderModule : IModule
{
    public string Name => "JoinedRecorder";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) => bus.AddConsumer<JoinedRecorderConsumer>();

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }

    public static Task<IReadOnlyList<Guid>> RecordedAsync(ModuleDatabase<JoinedRecorderModule> db) =>
        db.QueryAsync<Guid>("SELECT person_id FROM joined_recorded");
}

public sealed class JoinedRecorderConsumer(ModuleDatabase<JoinedRecorderModule> db)
    : ModuleConsumer<JoinedRecorderModule, PersonJoined>(db)
{
    protected override Task HandleAsync(PersonJoined message, UnitOfWork uow, CancellationToken ct) =>
        uow.ExecuteAsync(
            "INSERT INTO joined_recorded (person_id, recorded_at) VALUES (@PersonId, @now)",
            new { message.PersonId, now = uow.Now });
}
