using Hangfire;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LicenceOps.Platform.Hosting;

/// <summary>
/// Runs before the bus starts: applies every module's migrations, seeds once, registers recurring jobs,
/// and, when the server is listening, tells the person at the console how to sign in.
/// </summary>
internal sealed class StartupInitializer(
    IServiceProvider services,
    LoadedModules loaded,
    ModuleDatabases databases,
    MigrationRunner migrations,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var module in loaded.Modules)
        {
            var database = databases.All.Single(d => d.Module == module.Name);
            await migrations.ApplyAsync(database, [MigrationSource.PlatformSchema, MigrationSource.ForModule(module)], cancellationToken);
        }

        await using var scope = services.CreateAsyncScope();
        var seeder = loaded.Modules.OfType<IdentityModule>().Any() ? scope.ServiceProvider.GetRequiredService<IdentitySeeder>() : null;
        if (seeder is not null)
        {
            await seeder.EnsureAdminAsync(cancellationToken);
        }

        if (configuration.GetValue("Demo:Seed", true))
        {
            foreach (var module in loaded.Modules)
            {
                await module.SeedDemoDataAsync(scope.ServiceProvider, cancellationToken);
            }
        }

        var jobs = scope.ServiceProvider.GetRequiredService<IRecurringJobManager>();
        foreach (var module in loaded.Modules)
        {
            module.ScheduleJobs(jobs);
        }

        foreach (var module in loaded.Modules)
        {
            await module.SynchroniseJobsAsync(scope.ServiceProvider, cancellationToken);
        }

        jobs.AddOrUpdate<Messaging.MessagingRetentionJob>(Messaging.MessagingRetentionJob.Name, j => j.RunAsync(CancellationToken.None), "17 3 * * *");

        lifetime.ApplicationStarted.Register(PrintBanner);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void PrintBanner()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "http://localhost:5080";
        var instructions = services.GetService<SignInInstructions>();
        Console.WriteLine();
        Console.WriteLine($"LicenceOps is running on {string.Join(", ", addresses)} with modules: {string.Join(", ", loaded.Modules.Select(m => m.Name))}");
        Console.WriteLine($"  API reference: {url}/docs    OpenAPI: {url}/openapi/v1.json    Jobs: {url}/hangfire");
        Console.WriteLine($"  Sign in: POST {url}/api/auth/token with {{\"email\":\"...\",\"password\":\"...\"}}, then send 'Authorization: Bearer <access_token>'.");
        if (instructions is { Accounts.Count: > 0 })
        {
            Console.WriteLine(instructions.PasswordWasGenerated
                ? "  Accounts created now (the generated password is shown only this once; set LICENCEOPS_ADMIN_PASSWORD to choose it):"
                : "  Accounts created now:");
            foreach (var (email, role, password) in instructions.Accounts)
            {
                Console.WriteLine($"    {email,-32} {role,-14} {password}");
            }
        }
        else if (instructions is not null)
        {
            Console.WriteLine($"  Accounts already exist; sign in as {IdentitySeeder.AdminEmail} with the password chosen at first start.");
        }

        Console.WriteLine();
    }
}
