using System.Net;
using System.Net.Http.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Seats;

public sealed class SeatRequestAndTemplateTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task A_client_admin_requests_a_seat_and_staff_approval_assigns_it_even_beyond_the_quantity()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 0, policy: "require_staff_approval");
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        using var clientAdmin = await factory.ClientUserAsync(tenantId, Roles.ClientAdmin);

        var requested = await clientAdmin.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-requests",
            new { subscriptionId = sub.Id(), personId = person, note = "new hire in marketing" });
        Assert.That(requested.StatusCode, Is.EqualTo(HttpStatusCode.Created), await requested.Content.ReadAsStringAsync());
        var request = await SeatsKit.BodyAsync(requested);
        Assert.That(request.Str("status"), Is.EqualTo("pending"));
        await SeatsKit.AssertProblemAsync(await clientAdmin.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-requests",
            new { subscriptionId = sub.Id(), personId = person }), HttpStatusCode.Conflict);

        Assert.That((await clientAdmin.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-requests/{request.Id()}/approve", new { })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        var approved = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-requests/{request.Id()}/approve", new { reason = "ok" });
        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approved.Content.ReadAsStringAsync());
        var decided = await SeatsKit.BodyAsync(approved);
        Assert.That(decided.Str("status"), Is.EqualTo("approved"));
        Assert.That(decided.Str("decidedBy"), Is.EqualTo(LicenceOpsFactory.AdminEmail));

        var seat = await SeatsKit.GetAsync(clientAdmin, $"/api/tenants/{tenantId}/seats/{decided.Id("seatId")}");
        Assert.That(seat.GetProperty("personId").GetGuid(), Is.EqualTo(person));
        Assert.That((await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}")).GetProperty("committedQuantity").GetInt32(),
            Is.EqualTo(1));
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-requests/{request.Id()}/approve", new { }),
            HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Staff_reject_a_request_with_a_reason()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        using var clientAdmin = await factory.ClientUserAsync(tenantId);
        var request = await SeatsKit.BodyAsync(await clientAdmin.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-requests",
            new { subscriptionId = sub.Id(), personId = person }));
        var url = $"/api/tenants/{tenantId}/seat-requests/{request.Id()}";

        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"{url}/reject", new { reason = "" }), HttpStatusCode.BadRequest);
        var rejected = await staff.PostAsJsonAsync($"{url}/reject", new { reason = "budget frozen" });
        Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var list = await SeatsKit.GetItemsAsync(clientAdmin, $"/api/tenants/{tenantId}/seat-requests?status=rejected");
        Assert.That(list.EnumerateArray().Single().Str("decisionReason"), Is.EqualTo("budget frozen"));
        Assert.That((await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats?personId={person}")).GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Seat_requests_are_validated_and_isolated_per_tenant()
    {
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        var subA = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantA);
        var personA = await SeatsKit.PersonJoinsAsync(factory, tenantA);
        using var viewerA = await factory.ClientUserAsync(tenantA, Roles.ClientViewer);
        using var adminB = await factory.ClientUserAsync(tenantB);
        using var adminA = await factory.ClientUserAsync(tenantA);

        Assert.That((await viewerA.PostAsJsonAsync($"/api/tenants/{tenantA}/seat-requests", new { subscriptionId = subA.Id(), personId = personA })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        await SeatsKit.AssertProblemAsync(await adminB.PostAsJsonAsync($"/api/tenants/{tenantA}/seat-requests", new { subscriptionId = subA.Id(), personId = personA }),
            HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await adminB.GetAsync($"/api/tenants/{tenantA}/seat-requests"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await adminA.PostAsJsonAsync($"/api/tenants/{tenantA}/seat-requests", new { subscriptionId = subA.Id() }),
            HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantB}/seat-requests/{Guid.NewGuid()}/approve", new { }),
            HttpStatusCode.NotFound);
        Assert.That((await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantA}/seat-requests")).GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Department_templates_are_managed_by_staff_and_read_by_the_tenant()
    {
        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var chatGpt = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual");
        var claude = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-premium");
        var url = $"/api/tenants/{tenantId}/seat-templates";
        await factory.EnsureSeatsKnowsDepartmentAsync(tenantId, department);

        var created = await staff.PostAsJsonAsync(url, new { departmentId = department, subscriptionId = chatGpt.Id() });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        (await staff.PostAsJsonAsync(url, new { departmentId = department, subscriptionId = claude.Id() })).EnsureSuccessStatusCode();
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync(url, new { departmentId = department, subscriptionId = chatGpt.Id() }),
            HttpStatusCode.Conflict);

        using var client = await factory.ClientUserAsync(tenantId, Roles.ClientViewer);
        var list = await SeatsKit.GetItemsAsync(client, $"{url}?departmentId={department}");
        Assert.That(list.EnumerateArray().Select(t => t.Str("planCode")), Is.EquivalentTo(new[] { "chatgpt-business-annual", "claude-team-premium" }));

        var entry = await SeatsKit.BodyAsync(created);
        Assert.That((await client.DeleteAsync($"{url}/{entry.Id()}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await staff.DeleteAsync($"{url}/{entry.Id()}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await SeatsKit.AssertProblemAsync(await staff.DeleteAsync($"{url}/{entry.Id()}"), HttpStatusCode.NotFound);
        Assert.That((await SeatsKit.GetItemsAsync(client, url)).GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task Template_entries_must_name_a_subscription_of_the_tenant_and_stay_isolated()
    {
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        var subB = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantB);
        var url = $"/api/tenants/{tenantA}/seat-templates";

        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync(url, new { departmentId = Guid.NewGuid(), subscriptionId = subB.Id() }),
            HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync(url, new { subscriptionId = subB.Id() }), HttpStatusCode.BadRequest);
        using var clientB = await factory.ClientUserAsync(tenantB);
        await SeatsKit.AssertProblemAsync(await clientB.GetAsync(url), HttpStatusCode.NotFound);
        Assert.That((await clientB.PostAsJsonAsync($"/api/tenants/{tenantB}/seat-templates", new { departmentId = Guid.NewGuid(), subscriptionId = subB.Id() })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await SeatsKit.GetItemsAsync(staff, url)).GetArrayLength(), Is.Zero);
        Assert.That((await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantB}/seat-templates")).GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task A_template_for_a_department_the_tenant_does_not_have_is_400_and_nothing_is_stored()
    {
        var tenantId = Guid.NewGuid();
        var otherTenant = Guid.NewGuid();
        var subscription = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        var othersDepartment = Guid.NewGuid();
        await factory.EnsureIdentityKnowsTenantAsync(otherTenant);
        await factory.EnsureSeatsKnowsDepartmentAsync(otherTenant, othersDepartment);
        var url = $"/api/tenants/{tenantId}/seat-templates";

        foreach (var department in new[] { Guid.NewGuid(), othersDepartment })
        {
            var refused = await staff.PostAsJsonAsync(url, new { departmentId = department, subscriptionId = subscription.Id() });
            await SeatsKit.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
            Assert.That((await SeatsKit.BodyAsync(refused)).GetProperty("errors").TryGetProperty("departmentId", out _), Is.True);
        }

        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seat_templates WHERE tenant_id = @tenantId", new { tenantId }), Is.Zero);
    }

    [Test]
    public async Task A_department_made_in_Tenants_reaches_Seats_and_its_template_is_accepted()
    {
        var name = "Dept " + Guid.NewGuid().ToString("N")[..8];
        var created = await staff.PostAsJsonAsync($"/api/tenants/{DemoData.AcmeTenantId}/departments", new { name });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var department = (await SeatsKit.BodyAsync(created)).Id();
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM known_departments WHERE department_id = @department AND name = @name", new { department, name }) == 1,
            because: "DepartmentChanged reaches Seats");

        var renamed = await staff.PutAsJsonAsync($"/api/tenants/{DemoData.AcmeTenantId}/departments/{department}", new { name = name + " bis" });
        Assert.That(renamed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM known_departments WHERE department_id = @department AND name = @name", new { department, name = name + " bis" }) == 1,
            because: "the rename reaches Seats");

        var subscription = await SeatsKit.CreateSubscriptionAsync(factory, staff, DemoData.AcmeTenantId);
        var template = await staff.PostAsJsonAsync($"/api/tenants/{DemoData.AcmeTenantId}/seat-templates", new { departmentId = department, subscriptionId = subscription.Id() });
        Assert.That(template.StatusCode, Is.EqualTo(HttpStatusCode.Created), await template.Content.ReadAsStringAsync());
    }
}
