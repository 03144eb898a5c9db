using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>
/// Issue 9: ids in request bodies are a way into another tenant too. For every write route whose body carries an id
/// (found by reflection over the routing table, so a new one fails <see cref="Every_body_id_of_every_write_route_is_in_the_sweep"/>
/// until it is added), Acme's staff-admin and client-admin send an otherwise valid body for Acme with one id of Nordwind's:
/// the answer is 404/403, or a 400 naming that very field, and no table of any module changes.
/// </summary>
public sealed class BodyIdIsolationSweepTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private RouteCatalogue catalogue = null!;
    private readonly Dictionary<(Guid Tenant, string Kind), Guid> ids = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
        catalogue = new RouteCatalogue(factory);
        // The demo joiners are seated by workflows that start on the bus. A step that fails once (a busy moment) is retried a
        // minute later (then 2, 4... minutes) by the transfer sweeper, which a real host runs every minute. This host's clock is
        // frozen and it runs no Hangfire server, so while the seats are missing after 5 s the wait plays that part: every second
        // it moves the clock a minute on and runs the sweeper (at most 30 times: the staff token lives 60 minutes of this clock).
        var swept = 0;
        var lastSweep = DateTime.UtcNow.AddSeconds(4);
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                if ((await catalogue.IdsAsync(staff, "/api/tenants/{tenantId}/seats/{seatId}", "seatId", DemoData.NordwindTenantId)).Count > 0
                    && (await catalogue.IdsAsync(staff, "/api/tenants/{tenantId}/seats/{seatId}", "seatId", DemoData.AcmeTenantId)).Count > 0)
                {
                    return true;
                }
                if (swept < 30 && DateTime.UtcNow - lastSweep > TimeSpan.FromSeconds(1))
                {
                    factory.Clock.Advance(TimeSpan.FromMinutes(1));
                    await LicenceOps.IntegrationTests.Seats.SeatsKit.SweepAsync(factory);
                    swept++;
                    lastSweep = DateTime.UtcNow;
                }
                return false;
            },
            TimeSpan.FromSeconds(120), "both demo tenants have seats (the demo joiners are seated by workflows over the bus, retried by the sweeper)");
        }
        catch (AssertionException missing)
        {
            Assert.Fail($"{missing.Message}\n{await WorkflowStateAsync()}");
        }
        TestContext.Out.WriteLine($"demo seats present after {swept} sweep(s) with the clock moved a minute each");
        await LicenceOps.IntegrationTests.Seats.SeatsKit.SweepAsync(factory);
        foreach (var tenant in new[] { DemoData.AcmeTenantId, DemoData.NordwindTenantId })
        {
            foreach (var (kind, pattern, parameter) in Collections)
            {
                catalogue = new RouteCatalogue(factory);
                var found = kind == "ticket" ? await TicketsOfAsync(tenant) : await catalogue.IdsAsync(staff, pattern, parameter, tenant);
                Assert.That(found, Is.Not.Empty, $"{tenant} has {kind}");
                ids[(tenant, kind)] = found[0];
            }
        }

        await DatabaseSnapshot.WaitUntilQuietAsync(factory.DataDirectory);
    }

    /// <summary>Where the demo's workflows stand, read from the files: what a missing seat was waiting for.</summary>
    private async Task<string> WorkflowStateAsync()
    {
        async Task<IEnumerable<string>> ReadAsync(string module, string sql)
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, module + ".db")};Pooling=False");
            return await connection.QueryAsync<string>(sql);
        }

        var undispatched = await ReadAsync("tenants", "SELECT message_type FROM outbox_messages WHERE dispatched_at IS NULL");
        var steps = await ReadAsync("seats", """
            SELECT t.tenant_id || ' ' || t.status || ': ' || s.kind || ' ' || s.status || ', attempts ' || s.attempts || ', next ' || s.next_attempt_at
                || ', ' || COALESCE(s.last_error, 'no error')
            FROM transfer_steps s JOIN transfers t ON t.id = s.transfer_id WHERE s.status <> 'completed'
            """);
        return $"Tenants' undispatched outbox: [{string.Join(", ", undispatched)}]\nunfinished workflow steps:\n{string.Join("\n", steps)}";
    }

    /// <summary>Tickets whose tenant is exactly this one (a triage ticket has none and belongs to nobody's sweep).</summary>
    private async Task<IReadOnlyList<Guid>> TicketsOfAsync(Guid tenant)
    {
        var body = JsonDocument.Parse(await staff.GetStringAsync("/api/tickets")).RootElement;
        return body.GetProperty("items").EnumerateArray()
            .Where(t => t.GetProperty("tenantId").ValueKind == JsonValueKind.String && t.GetProperty("tenantId").GetGuid() == tenant)
            .Select(t => t.GetProperty("id").GetGuid()).ToList();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private static readonly (string Kind, string Pattern, string Parameter)[] Collections =
    [
        ("subscription", "/api/tenants/{tenantId}/subscriptions/{subscriptionId}", "subscriptionId"),
        ("person", "/api/tenants/{tenantId}/people/{personId}", "personId"),
        ("department", "/api/tenants/{tenantId}/departments/{departmentId}", "departmentId"),
        ("seat", "/api/tenants/{tenantId}/seats/{seatId}", "seatId"),
        ("vendorAccount", "/api/tenants/{tenantId}/vendor-accounts/{accountId}", "accountId"),
        ("ticket", "/api/tickets/{ticketId}", "ticketId"),
    ];

    /// <summary>Which resource a body id names, by its field name.</summary>
    private static readonly Dictionary<string, string> KindOfField = new(StringComparer.Ordinal)
    {
        ["subscriptionId"] = "subscription", ["personId"] = "person", ["managerId"] = "person", ["departmentId"] = "department",
        ["seatId"] = "seat", ["vendorAccountId"] = "vendorAccount", ["tenantId"] = "tenant",
    };

    private sealed record Probe(string Method, string Pattern, string Field, Func<Guid, Guid, Func<string, Guid>, object> Body)
    {
        public override string ToString() => $"{Method} {Pattern} [{Field}]";
    }

    /// <summary>
    /// Each probe builds a valid body for Acme (own ids from <c>own(kind)</c>) in which <see cref="Probe.Field"/> is
    /// replaced by the given value. Path ids are Acme's.
    /// </summary>
    private static IEnumerable<Probe> Probes()
    {
        var t = "/api/tenants/{tenantId}";
        yield return new("POST", t + "/seats", "subscriptionId", (sub, _, own) => new { subscriptionId = sub, personId = own("person"), reason = "body id sweep" });
        yield return new("POST", t + "/seats", "personId", (person, _, own) => new { subscriptionId = own("subscription"), personId = person, reason = "body id sweep" });
        yield return new("POST", t + "/seat-requests", "subscriptionId", (sub, _, own) => new { subscriptionId = sub, personId = own("person"), note = "sweep" });
        yield return new("POST", t + "/seat-requests", "personId", (person, _, own) => new { subscriptionId = own("subscription"), personId = person, note = "sweep" });
        yield return new("POST", t + "/seats/{seatId}/reassign", "personId", (person, _, _) => new { personId = person, reason = "sweep" });
        yield return new("POST", t + "/seat-templates", "departmentId", (department, _, own) => new { departmentId = department, subscriptionId = own("subscription") });
        yield return new("POST", t + "/seat-templates", "subscriptionId", (sub, _, own) => new { departmentId = own("department"), subscriptionId = sub });
        yield return new("PUT", t + "/subscriptions/{subscriptionId}/vendor-account", "vendorAccountId", (account, _, _) => new { vendorAccountId = account });
        yield return new("POST", t + "/people", "departmentId", (department, _, _) => Joiner(department, null));
        yield return new("POST", t + "/people", "managerId", (manager, _, own) => Joiner(own("department"), manager));
        yield return new("PUT", t + "/people/{personId}", "managerId", (manager, _, _) => new { firstName = "Body", lastName = "Sweep", managerId = manager, external = false });
        yield return new("POST", t + "/people/{personId}/move", "departmentId", (department, _, _) => new { departmentId = department });
        yield return new("POST", "/api/tickets", "tenantId", (tenant, _, _) => Ticket(tenant, null, null));
        yield return new("POST", "/api/tickets", "personId", (person, acme, _) => Ticket(acme, person, null));
        yield return new("POST", "/api/tickets", "seatId", (seat, acme, _) => Ticket(acme, null, seat));
        yield return new("PATCH", "/api/tickets/{ticketId}", "personId", (person, _, _) => new { personId = person });
        yield return new("PATCH", "/api/tickets/{ticketId}", "seatId", (seat, _, _) => new { seatId = seat });
        yield return new("POST", "/api/users", "tenantId", (tenant, _, _) => new
        {
            email = $"sweep-{Guid.NewGuid():N}@example.test", displayName = "Sweep", role = Roles.ClientViewer, tenantId = tenant,
            password = LicenceOpsFactory.UserPassword,
        });
    }

    private static object Joiner(Guid departmentId, Guid? managerId) => new
    {
        email = $"sweep{Guid.NewGuid():N}@{DemoData.AcmeDomain}", firstName = "Body", lastName = "Sweep", departmentId, managerId,
        startDate = "2026-11-23", external = false,
    };

    private static object Ticket(Guid tenantId, Guid? personId, Guid? seatId) => new
    {
        subject = "Body id sweep", body = "Testing ids in bodies.", category = "other", priority = "normal", tenantId,
        requesterEmail = $"someone@{DemoData.AcmeDomain}", requesterName = "Someone", personId, seatId,
    };

    [TestCase(Roles.StaffAdmin)]
    [TestCase(Roles.ClientAdmin)]
    public async Task An_id_of_another_tenant_in_a_body_is_refused_and_changes_nothing(string role)
    {
        using var client = role == Roles.StaffAdmin ? await factory.StaffClientAsync() : await factory.ClientUserAsync(DemoData.AcmeTenantId, role);
        await DatabaseSnapshot.WaitUntilQuietAsync(factory.DataDirectory);
        var before = await DatabaseSnapshot.TakeAsync(factory.DataDirectory);
        var leaks = new List<string>();
        foreach (var probe in Probes())
        {
            if (probe.Field == "tenantId" && role == Roles.StaffAdmin)
            {
                // Staff open tickets and create users for any tenant: naming another tenant is their job, not a leak.
                continue;
            }

            var foreign = KindOfField[probe.Field] == "tenant" ? DemoData.NordwindTenantId : ids[(DemoData.NordwindTenantId, KindOfField[probe.Field])];
            var body = probe.Body(foreign, DemoData.AcmeTenantId, kind => ids[(DemoData.AcmeTenantId, kind)]);
            var url = RouteCatalogue.Expand(probe.Pattern, new Dictionary<string, string>
            {
                ["tenantId"] = DemoData.AcmeTenantId.ToString(),
                ["seatId"] = ids[(DemoData.AcmeTenantId, "seat")].ToString(),
                ["subscriptionId"] = ids[(DemoData.AcmeTenantId, "subscription")].ToString(),
                ["personId"] = ids[(DemoData.AcmeTenantId, "person")].ToString(),
                ["ticketId"] = ids[(DemoData.AcmeTenantId, "ticket")].ToString(),
            });
            using var request = new HttpRequestMessage(new HttpMethod(probe.Method), url) { Content = JsonContent.Create(body) };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = response.StatusCode;
            var namesField = status == HttpStatusCode.BadRequest
                && JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var errors)
                && errors.EnumerateObject().Any(e => e.Name.Equals(probe.Field, StringComparison.OrdinalIgnoreCase));
            if (!(status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden || namesField))
            {
                leaks.Add($"{probe} → {(int)status}: {text[..Math.Min(300, text.Length)]}");
            }
        }

        await DatabaseSnapshot.WaitUntilQuietAsync(factory.DataDirectory);
        var changed = DatabaseSnapshot.Differences(before, await DatabaseSnapshot.TakeAsync(factory.DataDirectory));
        Assert.Multiple(() =>
        {
            Assert.That(leaks, Is.Empty, string.Join("\n", leaks));
            Assert.That(changed, Is.Empty, string.Join("\n", changed));
        });
    }

    [Test]
    public void Every_body_id_of_every_write_route_is_in_the_sweep()
    {
        var covered = Probes().Select(p => $"{p.Method} {p.Pattern} [{p.Field}]").ToHashSet();
        var missing = new List<string>();
        foreach (var route in catalogue.ApiRoutes().Where(r => r.Method is "POST" or "PUT" or "PATCH"))
        {
            var endpoint = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(route.Method) == true)
                .First(e => RouteCatalogue.Normalise(e.RoutePattern.RawText!) == route.Pattern);
            var type = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            foreach (var property in type?.GetProperties(BindingFlags.Public | BindingFlags.Instance) ?? [])
            {
                if ((Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) != typeof(Guid))
                {
                    continue;
                }

                var field = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                var key = $"{route.Method} {route.Pattern} [{field}]";
                if (!covered.Contains(key) && !NotTenantScoped.Contains(key))
                {
                    missing.Add(key);
                }
            }
        }

        Assert.That(missing, Is.Empty, "body ids without an isolation probe");
    }

    /// <summary>Body ids a staff member sets on purpose across tenants (moving a user or a ticket to a tenant is their job).</summary>
    private static readonly HashSet<string> NotTenantScoped =
    [
        "PUT /api/users/{id} [tenantId]",
        "PATCH /api/tickets/{ticketId} [tenantId]",
    ];
}
