using System.Text.Json.Serialization;
using Hangfire;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.ListCache;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Jobs;
using LicenceOps.Platform.Mail;
using LicenceOps.Platform.Messaging;
using LicenceOps.Platform.Modules;
using LicenceOps.Platform.Observability;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scalar.AspNetCore;

namespace LicenceOps.Platform.Hosting;

/// <summary>Composes the selected modules into one web application: the same code for one process or many.</summary>
public static class LicenceOpsApplication
{
    /// <summary>The host-configuration key with which .NET decides whether the settings files are watched for changes.</summary>
    internal const string ReloadConfigOnChangeKey = "hostBuilder:reloadConfigOnChange";

    /// <summary>
    /// The settings files are read once, at start, unless the operator asks for them to be watched
    /// (<c>DOTNET_hostBuilder__reloadConfigOnChange=true</c> or <c>--hostBuilder:reloadConfigOnChange=true</c>).
    /// .NET watches <c>appsettings*.json</c> through a file-system watcher on the whole content root, subdirectories
    /// included, and the embedded default keeps its SQLite files in <c>./data</c>, under that root: every write SQLite
    /// made to a database or its WAL then woke the watcher's thread, which looked the file up again. That was 8.6 % of the
    /// process's CPU during a reconciliation's first run (docs/performance.md, session 20). Nothing of ours reloads
    /// settings (every option is bound at start), so the watch bought only live log levels.
    /// </summary>
    internal static string[] WithoutConfigurationWatch(string[] args)
    {
        // .NET reads configuration keys case-insensitively, environment variable names included.
        var asked = Environment.GetEnvironmentVariables().Keys.OfType<string>()
                .Any(name => name.Equals("DOTNET_hostBuilder__reloadConfigOnChange", StringComparison.OrdinalIgnoreCase))
            || args.Any(a => a.Contains(ReloadConfigOnChangeKey, StringComparison.OrdinalIgnoreCase));
        // An operator's own value, from either place, is left to decide.
        return asked ? args : [$"--{ReloadConfigOnChangeKey}=false", .. args];
    }

    public static WebApplication Create(string[] args, IReadOnlyList<IModule> availableModules, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(WithoutConfigurationWatch(args));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:5080");
        }

        // Framework chatter that says nothing to an operator; configuration can still turn it back on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Logging.AddFilter("Hangfire", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);

        var configuration = builder.Configuration;
        var modules = ModuleSelection.Select(configuration, availableModules);
        var database = DatabaseOptions.From(configuration);
        var services = builder.Services;

        // TryAdd: a host that registered its own clock in `configure` (the reconciliation bench's next-day pass) keeps it.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(database);
        services.AddSingleton(new LoadedModules(modules));
        services.AddSingleton<MigrationRunner>();
        services.AddLicenceOpsProblems();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddLicenceOpsAuth(configuration, database);
        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer<BearerSecuritySchemeTransformer>();
            openApi.AddSchemaTransformer<FieldRulesSchemaTransformer>();
        });
        services.AddLicenceOpsPaging(configuration);
        services.AddLicenceOpsListCache(configuration);

        var databaseTypes = new List<Type>();
        foreach (var module in modules)
        {
            var type = typeof(ModuleDatabase<>).MakeGenericType(module.GetType());
            var connectionString = database.ConnectionStringFor(module.Name);
            services.AddSingleton(type, sp => Activator.CreateInstance(
                type,
                module.Name,
                database.Provider,
                connectionString,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IHttpContextAccessor>())!);
            databaseTypes.Add(type);
            module.AddServices(services, configuration);
        }

        services.AddSingleton(sp => new ModuleDatabases(databaseTypes.Select(t => (ModuleDatabase)sp.GetRequiredService(t)).ToList()));

        // Start order matters: schema and seed first, then the bus, then the dispatchers that publish on it.
        services.AddHostedService<StartupInitializer>();
        services.AddSingleton(sp => new SqliteCheckpointer(sp.GetRequiredService<ModuleDatabases>().All, sp.GetRequiredService<ILogger<SqliteCheckpointer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<SqliteCheckpointer>());
        services.AddLicenceOpsBus(configuration, modules);
        services.AddOutboxDispatchers(databaseTypes);
        services.AddLicenceOpsMail(configuration, database, databaseTypes);
        services.AddLicenceOpsJobs(configuration, database);
        services.AddLicenceOpsHealthChecks();
        services.AddLicenceOpsTelemetry(configuration, modules);

        var app = builder.Build();
        app.UseLicenceOpsSecurityHeaders();
        app.UseLicenceOpsResponseCompression();
        app.UseLicenceOpsProblems();
        app.UseDashboardOriginCheck();
        app.UseRouting();
        app.UseUnmatchedRequestAnswers();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseLicenceOpsListCache();

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", options => options.WithTitle("LicenceOps API")).AllowAnonymous();
        // People open the root in a browser: the portal when this host runs it, otherwise the API reference.
        var home = modules.Any(m => m.Name == "Portal") ? "/portal" : "/docs";
        app.MapGet("/", () => Results.Redirect(home)).AllowAnonymous().ExcludeFromDescription();
        app.MapLicenceOpsHealthChecks();
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.StaffAdmin, "/hangfire", new DashboardOptions
        {
            Authorization = [],
            DashboardTitle = "LicenceOps jobs",
        });

        app.MapDashboardSession();

        // One group over every module's endpoints, so the declared field rules hold for all of them.
        var api = app.MapGroup(string.Empty);
        api.AddEndpointFilterFactory(FieldRules.Filter);
        foreach (var module in modules)
        {
            module.MapEndpoints(api);
        }

        return app;
    }
}

/// <summary>The modules this process runs, after applying the <c>Modules</c> setting.</summary>
public sealed record LoadedModules(IReadOnlyList<IModule> Modules);

/// <summary>Every module database of this process.</summary>
public sealed record ModuleDatabases(IReadOnlyList<ModuleDatabase> All);
