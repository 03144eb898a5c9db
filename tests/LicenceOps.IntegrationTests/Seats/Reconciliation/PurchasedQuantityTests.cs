using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats.Vendors;
using LicenceOps.Platform;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// The purchased quantity staff record for vendors whose API does not report it (OpenAI, Anthropic, a CSV export), over the
/// connector fakes: quantity_unverified until recorded, quantity_mismatch when the recorded quantity differs from the
/// committed one, stable across runs, closed when a matching quantity is recorded, unverified again once it is old.
/// </summary>
public sealed class PurchasedQuantityTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private FakeVendorServer vendor = null!;
    private AnthropicWorkspace? claude;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Seats:Vendors:RetryBaseDelaySeconds"] = "0.01", ["Seats:Vendors:MaxRetries"] = "1" });
        staff = await factory.StaffClientAsync();
        vendor = await FakeVendorServer.StartAsync();
        vendor.On("GET", "/v1/organization/users", FakeReply.Json(FakeVendorServer.Fixture("openai_organization_users_list.json")));
        vendor.On("GET", "/v1/organization/invites", FakeReply.Json(FakeVendorServer.Fixture("openai_organization_invites_list.json")));
    }

    [TearDown]
    public async Task Stop()
    {
        staff.Dispose();
        factory.Dispose();
        await vendor.DisposeAsync();
        if (claude is not null)
        {
            await claude.DisposeAsync();
        }
    }

    private DateOnly Today => ParisCalendar.DateOf(factory.Clock.GetUtcNow());

    /// <summary>A subscription of 10 committed seats at 30.00 EUR, connected to an account of <paramref name="connector"/>.</summary>
    private async Task<(Guid Tenant, Guid Account)> AccountAsync(string connector)
    {
        var tenantId = Guid.NewGuid();
        var (plan, body) = connector switch
        {
            "openai" => ("chatgpt-business-annual", (object)new
            {
                vendorCode = "openai", connector, displayName = "Client ChatGPT", baseAddress = vendor.BaseAddress.AbsoluteUri, secret = "sk-admin-quantity",
            }),
            "anthropic" => ("claude-team-standard-monthly", new
            {
                vendorCode = "anthropic", connector, displayName = "Client Claude", baseAddress = (claude = await AnthropicWorkspace.StartAsync()).Server.BaseAddress.AbsoluteUri,
                secret = "sk-ant-admin-quantity",
            }),
            _ => ("perplexity-enterprise-pro", new { vendorCode = "perplexity", connector, displayName = "Client Perplexity" }),
        };
        var sub = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, plan, quantity: 10, salePrice: 30.00m)).Id();
        var created = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", body);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var account = (await SeatsKit.BodyAsync(created)).Id();
        (await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{sub}/vendor-account", new { vendorAccountId = account })).EnsureSuccessStatusCode();
        if (connector == "csv")
        {
            var export = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export?apply=true",
                new StringContent("email,status,last active\nzoe@client.test,active,2026-11-20\n", Encoding.UTF8, "text/csv"));
            Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK), await export.Content.ReadAsStringAsync());
        }
        return (tenantId, account);
    }

    private async Task<JsonElement> ReconcileAsync(Guid tenantId, Guid accountId)
    {
        var response = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{accountId}/reconcile", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var run = await SeatsKit.BodyAsync(response);
        Assert.That(run.Str("state"), Is.EqualTo("succeeded"), run.ToString());
        return run;
    }

    private async Task<HttpResponseMessage> RecordAsync(Guid tenantId, Guid accountId, object body) =>
        await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts/{accountId}/purchased-quantities", body);

    /// <summary>The quantity findings of the tenant: kind → (status, summary, euros), one row per kind at most.</summary>
    private async Task<Dictionary<string, (string Status, string Summary, decimal Eur)>> QuantityFindingsAsync(Guid tenantId)
    {
        var all = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/findings?limit=200")).EnumerateArray()
            .Where(f => f.Str("kind") is "quantity_mismatch" or "quantity_unverified").ToList();
        Assert.That(all.Select(f => f.Str("kind")), Is.Unique, "one row per cause");
        return all.ToDictionary(f => f.Str("kind"), f => (f.Str("status"), f.Str("summary"), f.GetProperty("monthlyEffectEur").GetDecimal()));
    }

    [TestCase("openai")]
    [TestCase("anthropic")]
    [TestCase("csv")]
    public async Task A_recorded_quantity_opens_a_mismatch_that_stays_stable_and_closes_when_the_recorded_quantity_matches(string connector)
    {
        var (tenantId, account) = await AccountAsync(connector);
        await ReconcileAsync(tenantId, account);
        var before = await QuantityFindingsAsync(tenantId);
        Assert.That(before.Keys, Is.EquivalentTo(new[] { "quantity_unverified" }), "the API gives no quantity and nobody recorded one");
        Assert.That(before["quantity_unverified"].Summary, Does.Contain("never been verified"));

        var recorded = await RecordAsync(tenantId, account, new { quantity = 12, observedOn = Today.AddDays(-5).ToString("yyyy-MM-dd"), source = "invoice", reference = "INV-2026-11" });
        Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.Created), await recorded.Content.ReadAsStringAsync());
        var observation = await SeatsKit.BodyAsync(recorded);
        Assert.That(observation.GetProperty("quantity").GetInt32(), Is.EqualTo(12));
        Assert.That(observation.Str("source"), Is.EqualTo("invoice"));
        var opened = await QuantityFindingsAsync(tenantId);
        Assert.That(opened["quantity_mismatch"].Status, Is.EqualTo("open"), "recording re-evaluates at once");
        Assert.That(opened["quantity_mismatch"].Summary, Does.Contain("12 seat(s) purchased").And.Contain("committed quantity of 10"));
        Assert.That(opened["quantity_mismatch"].Eur, Is.EqualTo(60.00m), "2 seats × 30.00 EUR");
        Assert.That(opened["quantity_unverified"].Status, Is.EqualTo("auto_closed"));

        var first = await ReconcileAsync(tenantId, account);
        factory.Clock.Advance(TimeSpan.FromHours(1));
        var second = await ReconcileAsync(tenantId, account);
        Assert.That(second.GetProperty("findingsOpened").GetInt32(), Is.Zero, first.ToString());
        Assert.That(await QuantityFindingsAsync(tenantId), Is.EqualTo(opened), "two runs later: the same rows in the same states");

        // An older observation does not override the latest one.
        (await RecordAsync(tenantId, account, new { quantity = 10, observedOn = Today.AddDays(-20).ToString("yyyy-MM-dd"), source = "console" })).EnsureSuccessStatusCode();
        Assert.That((await QuantityFindingsAsync(tenantId))["quantity_mismatch"].Status, Is.EqualTo("open"));

        (await RecordAsync(tenantId, account, new { quantity = 10, source = "console" })).EnsureSuccessStatusCode();
        Assert.That((await QuantityFindingsAsync(tenantId))["quantity_mismatch"].Status, Is.EqualTo("auto_closed"), "the vendor now sells what we bill");
        await ReconcileAsync(tenantId, account);
        var closed = await QuantityFindingsAsync(tenantId);
        Assert.That(closed.Values.Select(f => f.Status), Is.All.EqualTo("auto_closed"));

        // A month without checking again: the settings watch's rule, for the quantity.
        factory.Clock.Advance(TimeSpan.FromDays(31));
        await ReconcileAsync(tenantId, account);
        var stale = await QuantityFindingsAsync(tenantId);
        Assert.That(stale["quantity_unverified"].Status, Is.EqualTo("open"));
        Assert.That(stale["quantity_unverified"].Summary, Does.Contain("last verified on"));

        var history = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/vendor-accounts/{account}/purchased-quantities")).EnumerateArray().ToList();
        Assert.That(history.Select(h => h.GetProperty("quantity").GetInt32()), Is.EqualTo(new[] { 10, 12, 10 }), "latest observation first");
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_id = @account AND action = 'purchased_quantity_recorded'",
            new { account }), Is.EqualTo(3));
    }

    [Test]
    public async Task Bad_quantities_are_refused_with_a_problem_and_a_graph_account_reads_its_own()
    {
        var (tenantId, account) = await AccountAsync("openai");
        foreach (var body in new object[]
                 {
                     new { quantity = -1, source = "invoice" }, new { source = "invoice" }, new { quantity = 3, source = "fax" }, new { quantity = 3 },
                     new { quantity = 3, source = "invoice", observedOn = Today.AddDays(1).ToString("yyyy-MM-dd") },
                     new { quantity = 2_000_000, source = "console" },
                 })
        {
            await SeatsKit.AssertProblemAsync(await RecordAsync(tenantId, account, body), HttpStatusCode.BadRequest);
        }
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM purchased_quantity_observations WHERE vendor_account_id = @account", new { account }),
            Is.Zero);
        await SeatsKit.AssertProblemAsync(await RecordAsync(tenantId, Guid.NewGuid(), new { quantity = 3, source = "invoice" }), HttpStatusCode.NotFound);

        var graph = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", new
        {
            vendorCode = "microsoft", connector = "graph", displayName = "Client M365", secret = "graph-secret",
            settings = new Dictionary<string, string> { ["directoryTenantId"] = "d", ["clientId"] = "c", ["skuId"] = "s" },
        });
        Assert.That(graph.StatusCode, Is.EqualTo(HttpStatusCode.Created), await graph.Content.ReadAsStringAsync());
        await SeatsKit.AssertProblemAsync(await RecordAsync(tenantId, (await SeatsKit.BodyAsync(graph)).Id(), new { quantity = 3, source = "invoice" }),
            HttpStatusCode.UnprocessableEntity);
    }
}
