using System.Net;
using System.Text;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>
/// Every API route the host maps, with every method and every id parameter, found from its routing table rather than
/// listed by hand so a new endpoint cannot forget the check. A client-admin and a client-viewer of Acme try Nordwind's
/// tenant id (with Nordwind's resource ids): every answer is 404, or 403 where the route is for staff only, which says
/// nothing about the resource. They also try Nordwind's resource ids under their own tenant: the answer must be exactly
/// the one an id that exists nowhere gets (and never 2xx), so nothing tells them the resource exists.
/// </summary>
public sealed class TenantIsolationSweepTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private RouteCatalogue catalogue = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
        catalogue = new RouteCatalogue(factory);
        // The demo people reach Seats by the bus; wait for their workflows and run them once so Nordwind has seats and tasks to aim at.
        await Eventually.UntilAsync(async () =>
                (await new RouteCatalogue(factory).IdsAsync(staff, "/api/tenants/{tenantId}/transfers/{transferId}", "transferId", DemoData.NordwindTenantId)).Count > 0,
            TimeSpan.FromSeconds(30), "Nordwind's demo joiners are onboarded");
        await LicenceOps.IntegrationTests.Seats.SeatsKit.SweepAsync(factory);
        // Reconcile the demo's member exports so Nordwind has findings and runs to aim at.
        await LicenceOps.IntegrationTests.Seats.SeatsKit.RunReconciliationJobsAsync(factory);
        catalogue = new RouteCatalogue(factory);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [TestCase(Roles.ClientAdmin)]
    [TestCase(Roles.ClientViewer)]
    public async Task No_route_method_or_id_lets_a_client_reach_another_tenant(string role)
    {
        using var acme = await factory.ClientUserAsync(DemoData.AcmeTenantId, role);
        var routes = catalogue.ApiRoutes().Where(r => r.Parameters.Count > 0 && r.Parameters.All(IsId)).ToList();
        Assert.That(routes.Select(r => r.Pattern), Has.Some.Contains("{tenantId}").And.Some.Contains("{seatId}").And.Some.Contains("{invoiceId}"));

        var leaks = new List<string>();
        var probes = 0;
        foreach (var route in routes)
        {
            foreach (var (label, values) in await ProbesAsync(route))
            {
                probes++;
                var url = RouteCatalogue.Expand(route.Pattern, values);
                var status = await SendAsync(acme, route, url);
                if (label == ForeignTenant)
                {
                    if (status is not (HttpStatusCode.NotFound or HttpStatusCode.Forbidden))
                    {
                        leaks.Add($"{route} [{label}] {url} → {(int)status}");
                    }

                    continue;
                }

                var nowhere = RouteCatalogue.Expand(route.Pattern, values.ToDictionary(v => v.Key, v => v.Key == "tenantId" ? v.Value : Guid.NewGuid().ToString()));
                var baseline = await SendAsync(acme, route, nowhere);
                if ((int)status is >= 200 and < 300 || status != baseline)
                {
                    leaks.Add($"{route} [{label}] {url} → {(int)status}, an id that exists nowhere → {(int)baseline}");
                }
            }
        }

        Assert.That(leaks, Is.Empty, $"{probes} probes over {routes.Count} routes");
        Assert.That(probes, Is.GreaterThan(routes.Count));
    }

    [Test]
    public async Task Clients_still_read_their_own_tenant_through_every_tenant_scoped_collection()
    {
        using var acme = await factory.ClientUserAsync(DemoData.AcmeTenantId, Roles.ClientViewer);
        var reads = catalogue.ApiRoutes().Where(r => r.Method == "GET" && r.Parameters.SequenceEqual(["tenantId"])).ToList();
        Assert.That(reads, Is.Not.Empty);

        var failures = new List<string>();
        foreach (var route in reads)
        {
            var url = RouteCatalogue.Expand(route.Pattern, new Dictionary<string, string> { ["tenantId"] = DemoData.AcmeTenantId.ToString() });
            var response = await acme.GetAsync(url);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{url} → {(int)response.StatusCode}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    private const string ForeignTenant = "Nordwind tenant";

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, RouteCatalogue.Route route, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), url)
        {
            Content = route.Method is "GET" or "DELETE" ? null : new StringContent(route.ContentType == "application/json" ? "{}" : "", Encoding.UTF8, route.ContentType),
        };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static bool IsId(string parameter) => parameter.EndsWith("Id", StringComparison.Ordinal) || parameter == "id";

    /// <summary>Nordwind's tenant id with Nordwind's (or unknown) ids, and Acme's tenant id with Nordwind's ids.</summary>
    private async Task<IReadOnlyList<(string Label, Dictionary<string, string> Values)>> ProbesAsync(RouteCatalogue.Route route)
    {
        var nordwind = new Dictionary<string, string>();
        foreach (var parameter in route.Parameters.Where(p => p != "tenantId"))
        {
            var ids = await catalogue.IdsAsync(staff, route.Pattern, parameter, DemoData.NordwindTenantId);
            nordwind[parameter] = (ids.Count > 0 ? ids[0] : Guid.NewGuid()).ToString();
        }

        var probes = new List<(string, Dictionary<string, string>)>();
        if (route.Parameters.Contains("tenantId"))
        {
            probes.Add((ForeignTenant, new Dictionary<string, string>(nordwind) { ["tenantId"] = DemoData.NordwindTenantId.ToString() }));
            if (route.Parameters.Count > 1)
            {
                probes.Add(("Nordwind ids under Acme", new Dictionary<string, string>(nordwind) { ["tenantId"] = DemoData.AcmeTenantId.ToString() }));
            }
        }
        else
        {
            probes.Add(("Nordwind ids", nordwind));
        }

        return probes;
    }
}
