using System.Globalization;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Platform.Http.ListCache;

/// <summary>
/// Serves a list page from the cache of serialised responses only while nothing it reads has changed (ADR 0034). The
/// key is the request (path, every query parameter) plus the caller (user id, tenant claim, roles) plus the
/// <see cref="DataVersions"/> version of the list's scope, read from the module database on every request (through
/// <see cref="ListVersionReader"/>) before the endpoint reads any data. A write by anyone (endpoint, consumer, job, a hand-run statement, another host) bumps that
/// version through the scope's triggers, so the next request builds a new key and misses; entries of old versions are
/// never looked up again and leave by expiry or the size limit.
/// </summary>
/// <remarks>
/// The caller's access is checked here on every request, hit or miss, with the same rule the endpoint applies: when it
/// fails the cache is neither read nor written and the endpoint answers (404). Only 200 responses are stored.
/// </remarks>
public sealed class ListCachePolicy : IOutputCachePolicy
{
    /// <summary>
    /// The tenant id under which lists that read across tenants (staff views) keep their version: their triggers bump
    /// this one row for a change of any tenant's row.
    /// </summary>
    public static readonly Guid AcrossTenants = Guid.Empty;

    private readonly Type databaseType;
    private readonly Func<CurrentUser, Guid, bool>? mayRead;

    private ListCachePolicy(Type databaseType, string scope, Func<CurrentUser, Guid, bool>? mayRead)
    {
        this.databaseType = databaseType;
        Scope = scope;
        this.mayRead = mayRead;
    }

    /// <summary>The data-version scope whose triggers cover every table the list reads.</summary>
    public string Scope { get; }

    /// <summary>True when the version is the tenant's of the route value <c>tenantId</c>; false for <see cref="AcrossTenants"/>.</summary>
    public bool PerTenant => mayRead is not null;

    /// <summary>A list under /…/{tenantId}/…: versioned per tenant, readable by whom <paramref name="mayRead"/> allows.</summary>
    public static ListCachePolicy PerTenantList(Type databaseType, string scope, Func<CurrentUser, Guid, bool> mayRead) =>
        new(databaseType, scope, mayRead);

    /// <summary>A list that reads across tenants: one version for all of them (<see cref="AcrossTenants"/>).</summary>
    public static ListCachePolicy AcrossTenantsList(Type databaseType, string scope) => new(databaseType, scope, null);

    async ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<ListCacheOptions>();
        var user = http.RequestServices.GetRequiredService<CurrentUser>();
        if (!options.Enabled || !Cacheable(http.Request) || !user.IsAuthenticated)
        {
            context.EnableOutputCaching = false;
            return;
        }

        var tenantId = AcrossTenants;
        if (mayRead is not null)
        {
            // A caller who may not read the tenant neither gets nor fills an entry: the endpoint answers for itself.
            if (!Guid.TryParse(http.Request.RouteValues["tenantId"] as string, out tenantId) || !mayRead(user, tenantId))
            {
                context.EnableOutputCaching = false;
                return;
            }
        }

        // Before the endpoint reads: the page stored under this version is then at least as new as the version.
        var version = await http.RequestServices.GetRequiredService<ListVersionReader>()
            .ReadAsync((ModuleDatabase)http.RequestServices.GetRequiredService(databaseType), Scope, tenantId, cancellation);

        context.EnableOutputCaching = true;
        context.AllowCacheLookup = true;
        context.AllowCacheStorage = true;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = options.Expiry;
        var vary = context.CacheVaryByRules;
        vary.QueryKeys = "*";
        vary.VaryByValues["scope"] = Scope;
        vary.VaryByValues["version"] = version.ToString(CultureInfo.InvariantCulture);
        vary.VaryByValues["user"] = user.UserId.ToString("N");
        vary.VaryByValues["tenant"] = user.TenantId?.ToString("N") ?? "-";
        vary.VaryByValues["roles"] = RolesOf(user);
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || response.Headers.SetCookie.Count > 0)
        {
            context.AllowCacheStorage = false;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// GET or HEAD with each query parameter at most once: the key sorts repeated values, while binding joins them in
    /// request order, so two requests with one key could otherwise ask for different pages.
    /// </summary>
    private static bool Cacheable(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }
        foreach (var parameter in request.Query)
        {
            if (parameter.Value.Count > 1)
            {
                return false;
            }
        }
        return true;
    }

    private static string RolesOf(CurrentUser user)
    {
        var roles = new List<string>(2);
        foreach (var role in Roles.All)
        {
            if (user.IsInRole(role))
            {
                roles.Add(role);
            }
        }
        return string.Join(',', roles);
    }
}
