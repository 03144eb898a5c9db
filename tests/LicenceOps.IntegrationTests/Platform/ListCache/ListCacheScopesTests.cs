using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.DataVersions;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.ListCache;
using LicenceOps.Tenants;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Platform.ListCache;

/// <summary>
/// Every cached list is named here with the tables its response reads (read off its SQL: the page query, joins,
/// look-ups and existence checks), and its scope's triggers must cover each of them on the migrated SQLite file. A new
/// cached list fails <see cref="Every_cached_list_names_the_tables_it_reads"/> until it is added.
/// </summary>
[TestFixture]
public sealed class ListCacheScopesTests
{
    private static readonly Dictionary<string, (Type Database, string Scope, bool PerTenant, string[] Tables)> Cached = new()
    {
        ["/api/tenants/{tenantId:guid}/people"] = (typeof(ModuleDatabase<TenantsModule>), "people", true, ["people", "tenants"]),
        ["/api/tenants/{tenantId:guid}/departments"] = (typeof(ModuleDatabase<TenantsModule>), "departments", true, ["departments", "tenants"]),
        ["/api/tenants/"] = (typeof(ModuleDatabase<TenantsModule>), "tenants", false, ["tenants", "tenant_domains"]),
    };

    private LicenceOpsFactory factory = null!;

    [OneTimeSetUp]
    public void Start() => factory = new LicenceOpsFactory();

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    private Dictionary<string, ListCachePolicy> Policies() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Policy: e.Metadata.GetMetadata<ListCachePolicy>()))
            .Where(e => e.Policy is not null)
            .ToDictionary(e => e.Route, e => e.Policy!);

    [Test]
    public void Every_cached_list_names_the_tables_it_reads()
    {
        var policies = Policies();
        Assert.That(policies.Keys, Is.EquivalentTo(Cached.Keys));
        foreach (var (route, policy) in policies)
        {
            Assert.That((policy.Scope, policy.PerTenant), Is.EqualTo((Cached[route].Scope, Cached[route].PerTenant)), route);
        }
    }

    [Test]
    public async Task Each_scope_has_triggers_on_every_table_its_list_reads()
    {
        foreach (var (route, list) in Cached)
        {
            var db = (ModuleDatabase)factory.Services.GetRequiredService(list.Database);
            Assert.That(await DataVersionsKit.MissingTriggersAsync(db, list.Scope, list.Tables), Is.Empty, route);
        }
    }
}
