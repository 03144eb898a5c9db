using Hangfire;
using Hangfire.InMemory;
using LicenceOps.Platform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Platform.Jobs;

/// <summary>
/// Hangfire: in-memory storage embedded, SQL Server storage in production. Jobs are sweepers over module
/// databases, so losing the in-memory job store loses no business state.
/// </summary>
public static class JobsSetup
{
    public static IServiceCollection AddLicenceOpsJobs(this IServiceCollection services, IConfiguration configuration, DatabaseOptions database)
    {
        services.AddHangfire(hangfire =>
        {
            hangfire
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (database.Provider == SqlDialect.SqlServer)
            {
                hangfire.UseSqlServerStorage(database.ConnectionStringFor("Hangfire"));
            }
            else
            {
                hangfire.UseInMemoryStorage(new InMemoryStorageOptions());
            }
        });

        if (configuration.GetValue("Jobs:RunServer", true))
        {
            services.AddHangfireServer(server =>
            {
                server.WorkerCount = configuration.GetValue("Jobs:WorkerCount", Math.Max(2, Environment.ProcessorCount));
            });
        }

        return services;
    }
}
