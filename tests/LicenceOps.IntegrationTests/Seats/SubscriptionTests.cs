using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats;

public sealed class SubscriptionTests
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

    private async Task<List<JsonElement>> PublishedFor(Guid subscriptionId) =>
        (await SeatsKit.OutboxBodiesAsync(factory, "SubscriptionQuantityChanged"))
            .Select(b => JsonSerializer.Deserialize<JsonElement>(b))
            .Where(b => b.GetProperty("subscriptionId").GetGuid() == subscriptionId)
            .ToList();

    [Test]
    public async Task Creating_a_subscription_records_and_publishes_zero_to_n()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "m365-copilot-annual", quantity: 12, salePrice: 32.00m);

        Assert.That(sub.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(12));
        Assert.That(sub.GetProperty("freeSeats").GetInt32(), Is.EqualTo(12));
        var history = await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}/history");
        var created = history.EnumerateArray().Single();
        Assert.That(created.Str("changeKind"), Is.EqualTo("created"));
        Assert.That(created.GetProperty("previousQuantity").GetInt32(), Is.Zero);
        Assert.That(created.GetProperty("newQuantity").GetInt32(), Is.EqualTo(12));
        Assert.That(created.Str("actorDisplay"), Is.EqualTo(LicenceOpsFactory.AdminEmail));

        var published = (await PublishedFor(sub.Id())).Single();
        Assert.That(published.GetProperty("previousQuantity").GetInt32(), Is.Zero);
        Assert.That(published.GetProperty("newQuantity").GetInt32(), Is.EqualTo(12));
        Assert.That(published.Str("vendorName"), Is.EqualTo("Microsoft"));
        Assert.That(published.GetProperty("listPrice").GetDecimal(), Is.EqualTo(30m));
        Assert.That(published.Str("listPriceCurrency"), Is.EqualTo("USD"));
        Assert.That(published.GetProperty("salePricePerSeatEur").GetDecimal(), Is.EqualTo(32.00m));
        Assert.That(published.Str("effectiveDate"), Is.EqualTo("2026-01-01"));
    }

    [Test]
    public async Task Sale_price_may_be_left_to_billing()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, salePrice: null);
        Assert.That(sub.GetProperty("salePricePerSeatEur").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That((await PublishedFor(sub.Id())).Single().GetProperty("salePricePerSeatEur").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Quantity_and_price_changes_are_recorded_with_effective_dates_and_published()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-monthly", quantity: 5);
        var url = $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}";

        var up = await staff.PostAsJsonAsync($"{url}/quantity", new { quantity = 8, effectiveDate = "2026-12-01", reason = "new team" });
        Assert.That(up.StatusCode, Is.EqualTo(HttpStatusCode.OK), await up.Content.ReadAsStringAsync());
        var down = await staff.PostAsJsonAsync($"{url}/quantity", new { quantity = 6 });
        Assert.That(down.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a monthly plan may go down at any time");
        var price = await staff.PutAsJsonAsync($"{url}/price", new { salePricePerSeatEur = 29.90m, effectiveDate = "2026-12-01" });
        Assert.That(price.StatusCode, Is.EqualTo(HttpStatusCode.OK), await price.Content.ReadAsStringAsync());

        var history = (await SeatsKit.GetItemsAsync(staff, $"{url}/history")).EnumerateArray().ToList();
        Assert.That(history.Select(h => h.Str("changeKind")), Is.EqualTo(new[] { "created", "quantity", "quantity", "price" }));
        Assert.That(history[1].Str("effectiveDate"), Is.EqualTo("2026-12-01"));
        Assert.That(history[1].Str("reason"), Is.EqualTo("new team"));
        Assert.That(history[2].Str("effectiveDate"), Is.EqualTo("2026-11-23"), "defaults to today");
        Assert.That(history[3].GetProperty("newSalePriceEur").GetDecimal(), Is.EqualTo(29.90m));

        var published = await PublishedFor(sub.Id());
        Assert.That(published.Select(p => (p.GetProperty("previousQuantity").GetInt32(), p.GetProperty("newQuantity").GetInt32())),
            Is.EqualTo(new[] { (0, 5), (5, 8), (8, 6), (6, 6) }));
        Assert.That(published.Last().GetProperty("salePricePerSeatEur").GetDecimal(), Is.EqualTo(29.90m));
    }

    [Test]
    public async Task An_annual_commitment_cannot_be_reduced_before_renewal_and_nothing_changes()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "m365-copilot-annual", quantity: 10);
        var url = $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}";

        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"{url}/quantity", new { quantity = 9 }), HttpStatusCode.Conflict);
        var renewal = await staff.PostAsJsonAsync($"{url}/quantity", new { quantity = 9, effectiveDate = "2027-01-01" });
        Assert.That(renewal.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a reduction at renewal is allowed");
        Assert.That((await PublishedFor(sub.Id())).Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Quantity_cannot_go_below_the_assigned_seats()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-monthly", quantity: 2);
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), person);

        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{sub.Id()}/quantity", new { quantity = 0 });
        await SeatsKit.AssertProblemAsync(response, HttpStatusCode.Conflict);
        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task Invalid_subscriptions_are_400_and_nothing_is_created()
    {
        var tenantId = Guid.NewGuid();
        var invalid = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions", new
        {
            planCode = "chatgpt-business-annual", vendorAccountId = "", committedQuantity = -1, termStart = "2026-01-01",
            renewalDate = "2025-01-01", salePricePerSeatEur = 10.005m, autoIncreasePolicy = "maybe",
        });
        await SeatsKit.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        await factory.EnsureIdentityKnowsTenantAsync(tenantId);
        var fields = (await SeatsKit.BodyAsync(invalid)).GetProperty("errors").EnumerateObject().Select(e => e.Name);
        Assert.That(fields, Is.SupersetOf(new[] { "vendorAccountId", "committedQuantity", "renewalDate", "salePricePerSeatEur", "autoIncreasePolicy" }));

        var unknownPlan = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions", new
        {
            planCode = "no-such-plan", vendorAccountId = "ws", committedQuantity = 1, termStart = "2026-01-01",
            renewalDate = "2027-01-01", autoIncreasePolicy = "allow",
        });
        await SeatsKit.AssertProblemAsync(unknownPlan, HttpStatusCode.BadRequest);

        var list = await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/subscriptions");
        Assert.That(list.GetArrayLength(), Is.Zero);
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM subscriptions WHERE tenant_id = @tenantId", new { tenantId }), Is.Zero);
    }

    [Test]
    public async Task Invalid_changes_are_400_and_nothing_changes()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 4);
        var url = $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}";

        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"{url}/quantity", new { quantity = -3 }), HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"{url}/quantity", new { quantity = 4 }), HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.PutAsJsonAsync($"{url}/price", new { salePricePerSeatEur = -1m }), HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{Guid.NewGuid()}/quantity", new { quantity = 3 }),
            HttpStatusCode.NotFound);

        Assert.That((await SeatsKit.GetItemsAsync(staff, $"{url}/history")).GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task Clients_read_their_own_subscriptions_only_and_cannot_change_them()
    {
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        var subA = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantA);
        var subB = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantB);
        using var clientA = await factory.ClientUserAsync(tenantA);

        Assert.That((await SeatsKit.GetItemsAsync(clientA, $"/api/tenants/{tenantA}/subscriptions")).GetArrayLength(), Is.EqualTo(1));
        await SeatsKit.GetAsync(clientA, $"/api/tenants/{tenantA}/subscriptions/{subA.Id()}");

        await SeatsKit.AssertProblemAsync(await clientA.GetAsync($"/api/tenants/{tenantB}/subscriptions"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await clientA.GetAsync($"/api/tenants/{tenantB}/subscriptions/{subB.Id()}"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await clientA.GetAsync($"/api/tenants/{tenantB}/subscriptions/{subB.Id()}/history"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await clientA.GetAsync($"/api/tenants/{tenantA}/subscriptions/{subB.Id()}"), HttpStatusCode.NotFound);

        Assert.That((await clientA.PostAsJsonAsync($"/api/tenants/{tenantA}/subscriptions", new { planCode = "chatgpt-business-annual" })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await clientA.PostAsJsonAsync($"/api/tenants/{tenantA}/subscriptions/{subA.Id()}/quantity", new { quantity = 9 })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await clientA.PutAsJsonAsync($"/api/tenants/{tenantA}/subscriptions/{subA.Id()}/price", new { salePricePerSeatEur = 1m })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Staff_read_the_seats_audit_log_of_a_subscription()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        var audit = await SeatsKit.GetItemsAsync(staff, $"/api/seats/audit?entityId={sub.Id()}");
        Assert.That(audit.EnumerateArray().Select(a => a.Str("action")), Does.Contain("created"));

        using var client = await factory.ClientUserAsync(tenantId);
        Assert.That((await client.GetAsync("/api/seats/audit")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_subscription_for_a_tenant_that_does_not_exist_is_404_and_nothing_is_created()
    {
        foreach (var tenantId in new[] { Guid.NewGuid(), Guid.Empty })
        {
            var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions", new
            {
                planCode = "chatgpt-business-annual", vendorAccountId = "ws-unknown", committedQuantity = 1, termStart = "2026-01-01",
                renewalDate = "2027-01-01", autoIncreasePolicy = "allow",
            });
            await SeatsKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
            Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM subscriptions WHERE tenant_id = @tenantId", new { tenantId }), Is.Zero);
        }
    }
}
