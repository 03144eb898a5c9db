using System.Net;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>
/// Every tenant-scoped read the host maps, found from its routing table rather than listed by hand, so a
/// new endpoint cannot forget the check: a client reads its own tenant and gets 404 for any other.
/// </summary>
public sealed class TenantIsolationSweepTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient acmeClient = null!;
    private HttpClient staff = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        acmeClient = await factory.ClientUserAsync(DemoData.AcmeTenantId, Roles.ClientAdmin);
        staff = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        acmeClient.Dispose();
        staff.Dispose();
        factory.Dispose();
    }

    private IReadOnlyList<string> TenantScopedCollectionRoutes() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => e.RoutePattern)
            .Where(p => p.Parameters.Count == 1 && p.Parameters[0].Name == "tenantId")
            .Select(p => p.RawText!)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    [Test]
    public async Task Every_tenant_scoped_read_hides_other_tenants_from_clients()
    {
        var routes = TenantScopedCollectionRoutes();
        Assume.That(routes, Is.Not.Empty, "no tenant-scoped module is loaded");

        var leaks = new List<string>();
        foreach (var route in routes)
        {
            var own = await acmeClient.GetAsync(Expand(route, DemoData.AcmeTenantId));
            var other = await acmeClient.GetAsync(Expand(route, DemoData.NordwindTenantId));
            var staffOther = await staff.GetAsync(Expand(route, DemoData.NordwindTenantId));

            if (other.StatusCode != HttpStatusCode.NotFound)
            {
                leaks.Add($"{route}: client of Acme reading Nordwind got {(int)other.StatusCode}");
            }

            if (!own.IsSuccessStatusCode && own.StatusCode != HttpStatusCode.Forbidden)
            {
                leaks.Add($"{route}: client of Acme reading its own tenant got {(int)own.StatusCode}");
            }

            if (!staffOther.IsSuccessStatusCode)
            {
                leaks.Add($"{route}: staff reading Nordwind got {(int)staffOther.StatusCode}");
            }
        }

        Assert.That(leaks, Is.Empty, string.Join(Environment.NewLine, routes));
    }

    private static string Expand(string route, Guid tenantId) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{tenantId(:[^}]*)?\}", tenantId.ToString());
}
