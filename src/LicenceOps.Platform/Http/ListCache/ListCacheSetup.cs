using LicenceOps.Platform.Data;
using LicenceOps.Platform.Modules;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Platform.Http.ListCache;

/// <summary>The versioned response cache of list pages (ADR 0034): ASP.NET Core's output cache with <see cref="ListCachePolicy"/>.</summary>
public static class ListCacheSetup
{
    public static IServiceCollection AddLicenceOpsListCache(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ListCacheOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton<ListVersionReader>();
        services.AddOutputCache(cache =>
        {
            cache.SizeLimit = options.SizeLimitBytes;
            // One page is at most Paging:MaxLimit rows; a body above this is not worth a slot of the bounded memory.
            cache.MaximumBodySize = Math.Min(options.SizeLimitBytes, 4L * 1024 * 1024);
            cache.DefaultExpirationTimeSpan = options.Expiry;
        });
        return services;
    }

    /// <summary>
    /// After authentication and authorisation (the key needs the caller; an endpoint's authorisation policy runs
    /// before a hit is served) and inside response compression, so the cache holds identity-encoded bodies and each
    /// response is compressed for its own Accept-Encoding.
    /// </summary>
    public static WebApplication UseLicenceOpsListCache(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ListCacheOptions>().Enabled)
        {
            app.UseOutputCache();
        }
        return app;
    }

    /// <summary>Caches this list per tenant (route value <c>tenantId</c>) under <paramref name="scope"/>; see <see cref="ListCachePolicy"/>.</summary>
    public static RouteHandlerBuilder CachePerTenant<TModule>(this RouteHandlerBuilder endpoint, string scope, Func<CurrentUser, Guid, bool> mayRead)
        where TModule : IModule =>
        Cache(endpoint, ListCachePolicy.PerTenantList(typeof(ModuleDatabase<TModule>), scope, mayRead));

    /// <summary>Caches a list that reads across tenants under one version of <paramref name="scope"/> (<see cref="ListCachePolicy.AcrossTenants"/>).</summary>
    public static RouteHandlerBuilder CacheAcrossTenants<TModule>(this RouteHandlerBuilder endpoint, string scope)
        where TModule : IModule =>
        Cache(endpoint, ListCachePolicy.AcrossTenantsList(typeof(ModuleDatabase<TModule>), scope));

    // The policy is also endpoint metadata of its own, so tests find every cached list and its scope.
    private static RouteHandlerBuilder Cache(RouteHandlerBuilder endpoint, ListCachePolicy policy) =>
        endpoint.CacheOutput(policy).WithMetadata(policy);
}
