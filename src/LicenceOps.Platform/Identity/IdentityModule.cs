using LicenceOps.Platform.Modules;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Platform.Identity;

/// <summary>Local users, their roles and tenants, and the token endpoint.</summary>
public sealed class IdentityModule : IModule
{
    public string Name => "Identity";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<DecoyPassword>();
        services.AddSingleton<CredentialCheck>();
        services.AddSingleton<SignInInstructions>();
        services.AddSingleton<IdentitySeeder>();
    }

    public void AddConsumers(MassTransit.IBusRegistrationConfigurator bus) => bus.AddConsumer<KnownTenantsConsumer>();

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTokenEndpoint();
        endpoints.MapUserEndpoints();
    }

    public Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<IdentitySeeder>().SeedDemoUsersAsync(ct);
}
