using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Catalogue;

namespace LicenceOps.IntegrationTests.Seats;

public sealed class CatalogueTests
{
    private LicenceOpsFactory factory = null!;

    [OneTimeSetUp]
    public void Start() => factory = new LicenceOpsFactory();

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    private static object Plan(string? code, decimal listPrice = 12.5m, string currency = "EUR") => new
    {
        code,
        vendorCode = "acme-ai",
        vendorName = "Acme AI",
        productName = "Acme Chat",
        planName = "Acme Chat Team",
        listPrice,
        priceCurrency = currency,
        listPriceIncludesVat = true,
        billingCycle = "monthly",
        seatsReducibleBeforeRenewal = true,
        vendorHasAdminApi = false,
        offboardingDataRule = "none",
        priceReadOn = "2026-11-20",
    };

    [Test]
    public async Task Every_authenticated_user_reads_the_seeded_catalogue_ordered_by_vendor_and_product()
    {
        using var client = await factory.ClientUserAsync(DemoData.AcmeTenantId, Roles.ClientViewer);
        const int maxLimit = global::LicenceOps.Platform.Http.Paging.PagingOptions.DefaultMaxLimit;
        var catalogue = await SeatsKit.GetAsync(client, $"/api/catalogue?limit={maxLimit}");
        Assert.That(catalogue.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null), "the whole catalogue fits one maximum page");

        var plans = catalogue.GetProperty("items").EnumerateArray().ToList();
        var order = plans.Select(p => (p.Str("vendorName"), p.Str("productName"), p.Str("code"))).ToList();
        Assert.That(order, Is.EqualTo(order.OrderBy(o => o.Item1, StringComparer.Ordinal).ThenBy(o => o.Item2, StringComparer.Ordinal)
            .ThenBy(o => o.Item3, StringComparer.Ordinal).ToList()));
        foreach (var seeded in CatalogueSeed.Plans)
        {
            var plan = plans.SingleOrDefault(p => p.Str("code") == seeded.Code);
            Assert.That(plan.ValueKind, Is.EqualTo(JsonValueKind.Object), seeded.Code);
            Assert.That(plan.GetProperty("listPrice").GetDecimal(), Is.EqualTo(seeded.ListPrice), seeded.Code);
            Assert.That(plan.Str("priceCurrency"), Is.EqualTo(seeded.PriceCurrency), seeded.Code);
            Assert.That(plan.Str("billingCycle"), Is.EqualTo(seeded.BillingCycle), seeded.Code);
            Assert.That(plan.GetProperty("seatsReducibleBeforeRenewal").GetBoolean(), Is.EqualTo(seeded.SeatsReducibleBeforeRenewal), seeded.Code);
            Assert.That(plan.Str("offboardingDataRule"), Is.EqualTo(seeded.OffboardingDataRule), seeded.Code);
            Assert.That(plan.Str("priceReadOn"), Is.EqualTo("2025-09-01"), seeded.Code);
        }
        var vendors = plans.Select(p => p.Str("vendorName")).Distinct().ToList();
        Assert.That(vendors, Is.SupersetOf(new[] { "OpenAI", "Anthropic", "Microsoft", "Google", "Perplexity", "Midjourney" }));
    }

    [Test]
    public async Task Anonymous_callers_cannot_read_the_catalogue()
    {
        var response = await factory.AnonymousClient().GetAsync("/api/catalogue");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Staff_create_and_edit_a_plan()
    {
        using var staff = await factory.StaffClientAsync(Roles.StaffAgent);
        var created = await staff.PostAsJsonAsync("/api/catalogue/plans", Plan("acme-chat-team"));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());

        var duplicate = await staff.PostAsJsonAsync("/api/catalogue/plans", Plan("acme-chat-team"));
        await SeatsKit.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);

        var updated = await staff.PutAsJsonAsync("/api/catalogue/plans/acme-chat-team", Plan(null, listPrice: 14.90m));
        Assert.That(updated.StatusCode, Is.EqualTo(HttpStatusCode.OK), await updated.Content.ReadAsStringAsync());
        var plan = await SeatsKit.GetAsync(staff, "/api/catalogue/plans/acme-chat-team");
        Assert.That(plan.GetProperty("listPrice").GetDecimal(), Is.EqualTo(14.90m));
        Assert.That(plan.GetProperty("listPriceIncludesVat").GetBoolean(), Is.True);
    }

    /// <summary>
    /// Issue 7 (lost update): two staff read the same plan; one saves a price correction; the other then saves the form
    /// they had read. With the ETag of their read in If-Match, the second save is a 409 and the correction stays.
    /// </summary>
    [Test]
    public async Task An_edit_based_on_a_stale_read_is_409_and_keeps_the_other_edit()
    {
        using var alice = await factory.StaffClientAsync();
        using var bob = await factory.StaffClientAsync();
        (await alice.PostAsJsonAsync("/api/catalogue/plans", Plan("acme-chat-duo", 10m))).EnsureSuccessStatusCode();

        var aliceRead = await alice.GetAsync("/api/catalogue/plans/acme-chat-duo");
        var bobRead = await bob.GetAsync("/api/catalogue/plans/acme-chat-duo");
        var aliceTag = aliceRead.Headers.ETag!.ToString();
        Assert.That(bobRead.Headers.ETag!.ToString(), Is.EqualTo(aliceTag));

        var bobSave = await PutAsync(bob, "acme-chat-duo", Plan(null, listPrice: 11m), bobRead.Headers.ETag.ToString());
        Assert.That(bobSave.StatusCode, Is.EqualTo(HttpStatusCode.OK), await bobSave.Content.ReadAsStringAsync());
        Assert.That(bobSave.Headers.ETag!.ToString(), Is.Not.EqualTo(aliceTag), "a save moves the version on");
        var audits = await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'catalogue_plan'");
        var announcements = await SeatsKit.OutboxCountAsync(factory, "SubscriptionQuantityChanged");

        var stale = await PutAsync(alice, "acme-chat-duo", Plan(null, listPrice: 9m), aliceTag);
        await SeatsKit.AssertProblemAsync(stale, HttpStatusCode.Conflict);

        var plan = await alice.GetAsync("/api/catalogue/plans/acme-chat-duo");
        Assert.That((await SeatsKit.BodyAsync(plan)).GetProperty("listPrice").GetDecimal(), Is.EqualTo(11m), "Bob's correction stays");
        Assert.That(plan.Headers.ETag!.ToString(), Is.EqualTo(bobSave.Headers.ETag.ToString()));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'catalogue_plan'"), Is.EqualTo(audits));
        Assert.That(await SeatsKit.OutboxCountAsync(factory, "SubscriptionQuantityChanged"), Is.EqualTo(announcements));

        // Read again, then save: accepted. A malformed If-Match is a 400 that changes nothing.
        var retried = await PutAsync(alice, "acme-chat-duo", Plan(null, listPrice: 9m), plan.Headers.ETag.ToString());
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.OK), await retried.Content.ReadAsStringAsync());
        await SeatsKit.AssertProblemAsync(await PutAsync(alice, "acme-chat-duo", Plan(null, listPrice: 8m), "\"seven\""), HttpStatusCode.BadRequest);
        Assert.That((await SeatsKit.GetAsync(alice, "/api/catalogue/plans/acme-chat-duo")).GetProperty("listPrice").GetDecimal(), Is.EqualTo(9m));
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string code, object plan, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/catalogue/plans/{code}") { Content = JsonContent.Create(plan) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    [Test]
    public async Task Editing_a_list_price_re_announces_the_terms_of_its_subscriptions()
    {
        using var staff = await factory.StaffClientAsync();
        (await staff.PostAsJsonAsync("/api/catalogue/plans", Plan("acme-chat-pro", 20m))).EnsureSuccessStatusCode();
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "acme-chat-pro", quantity: 3);

        (await staff.PutAsJsonAsync("/api/catalogue/plans/acme-chat-pro", Plan(null, listPrice: 22m))).EnsureSuccessStatusCode();

        var bodies = (await SeatsKit.OutboxBodiesAsync(factory, "SubscriptionQuantityChanged"))
            .Select(b => JsonSerializer.Deserialize<JsonElement>(b))
            .Where(b => b.GetProperty("subscriptionId").GetGuid() == sub.Id())
            .ToList();
        Assert.That(bodies.Select(b => b.GetProperty("listPrice").GetDecimal()), Is.EqualTo(new[] { 20m, 22m }));
        Assert.That(bodies.Last().GetProperty("newQuantity").GetInt32(), Is.EqualTo(3));
    }

    [Test]
    public async Task Invalid_plans_are_rejected_with_the_fields_at_fault_and_nothing_changes()
    {
        using var staff = await factory.StaffClientAsync();
        var before = await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM catalogue_plans");

        var response = await staff.PostAsJsonAsync("/api/catalogue/plans", Plan("Bad Code!", listPrice: -1m, currency: "GBP"));
        await SeatsKit.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = (await SeatsKit.BodyAsync(response)).GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(e => e.Name), Is.SupersetOf(new[] { "code", "listPrice", "priceCurrency" }));

        var update = await staff.PutAsJsonAsync("/api/catalogue/plans/chatgpt-business-annual", Plan(null, listPrice: 0m));
        await SeatsKit.AssertProblemAsync(update, HttpStatusCode.BadRequest);

        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM catalogue_plans"), Is.EqualTo(before));
        var unchanged = await SeatsKit.GetAsync(staff, "/api/catalogue/plans/chatgpt-business-annual");
        Assert.That(unchanged.GetProperty("listPrice").GetDecimal(), Is.EqualTo(25m));
    }

    [Test]
    public async Task Unknown_plan_is_404()
    {
        using var staff = await factory.StaffClientAsync();
        await SeatsKit.AssertProblemAsync(await staff.GetAsync("/api/catalogue/plans/nope"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await staff.PutAsJsonAsync("/api/catalogue/plans/nope", Plan(null)), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Clients_cannot_edit_the_catalogue()
    {
        using var client = await factory.ClientUserAsync(DemoData.AcmeTenantId);
        Assert.That((await client.PostAsJsonAsync("/api/catalogue/plans", Plan("client-plan"))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await client.PutAsJsonAsync("/api/catalogue/plans/chatgpt-business-annual", Plan(null, 1m))).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
