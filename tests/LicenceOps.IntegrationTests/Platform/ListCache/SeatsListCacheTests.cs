using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Platform.ListCache;

/// <summary>
/// The versioned list cache (ADR 0034) on the Seats module's seats and subscriptions lists: a repeated page is a hit
/// (the output cache's <c>Age</c> header), and writes through the API, through a consumed Tenants event and by hand in
/// the module database make the next read fresh. Another tenant's client gets 404 while the page is cached.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SeatsListCacheTests
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

    private static async Task<(bool Hit, JsonElement Body)> ReadAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return (response.Headers.Age is not null, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task<JsonElement> CachedAsync(HttpClient client, string url)
    {
        var (firstHit, body) = await ReadAsync(client, url);
        Assert.That(firstHit, Is.False, $"{url}: the first read after a change builds the page");
        var (secondHit, again) = await ReadAsync(client, url);
        Assert.That(secondHit, Is.True, $"{url}: the second read is served from the cache");
        Assert.That(again.GetRawText(), Is.EqualTo(body.GetRawText()));
        return body;
    }

    private static List<string> Values(JsonElement page, string property) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(property).ToString()).ToList();

    [Test]
    public async Task Seats_an_assignment_through_the_API_and_a_consumed_person_event_make_the_next_page_fresh()
    {
        var tenantId = Guid.NewGuid();
        var subscription = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 5, policy: "allow");
        var anna = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var bob = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        await SeatsKit.AssignAsync(staff, tenantId, subscription.Id(), anna);
        var url = $"/api/tenants/{tenantId}/seats";
        Assert.That(Values(await CachedAsync(staff, url), "personId"), Is.EqualTo(new[] { anna.ToString() }));

        await SeatsKit.AssignAsync(staff, tenantId, subscription.Id(), bob);
        var (hit, body) = await ReadAsync(staff, url);
        Assert.That(hit, Is.False);
        Assert.That(Values(body, "personId"), Is.EquivalentTo(new[] { anna.ToString(), bob.ToString() }));
        Assert.That((await ReadAsync(staff, url)).Hit, Is.True);

        // Tenants announces a new e-mail; Seats' consumer updates its copy of the person, which the seats page joins.
        const string renamed = "anna.renamed@example.test";
        await SeatsKit.PublishAsync(factory, new PersonMovedDepartment(anna, tenantId, renamed, null, null, new DateOnly(2026, 11, 23),
            factory.Clock.GetUtcNow(), Version: 1, Status: "active", DisplayName: "Anna Renamed"));
        await Eventually.UntilAsync(async () => Values((await ReadAsync(staff, url)).Body, "personEmail").Contains(renamed),
            because: "the consumed event's new e-mail shows on the cached list");
    }

    [Test]
    public async Task Subscriptions_a_new_subscription_and_a_hand_run_plan_change_make_the_next_page_fresh()
    {
        var tenantId = Guid.NewGuid();
        await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 2);
        var url = $"/api/tenants/{tenantId}/subscriptions";
        await CachedAsync(staff, url);

        await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 3);
        var (hit, body) = await ReadAsync(staff, url);
        Assert.That(hit, Is.False);
        Assert.That(Values(body, "committedQuantity"), Is.EquivalentTo(new[] { "2", "3" }));
        Assert.That((await ReadAsync(staff, url)).Hit, Is.True);

        // The plan's terms are shared by every tenant: a change to the catalogue row bumps each tenant on that plan.
        await using (var connection = await SeatsKit.Db(factory).OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE catalogue_plans SET plan_name = 'Business (renamed)' WHERE code = 'chatgpt-business-annual'");
        }
        var (afterHit, after) = await ReadAsync(staff, url);
        Assert.That(afterHit, Is.False);
        Assert.That(Values(after, "planName").Distinct(), Is.EqualTo(new[] { "Business (renamed)" }));
    }

    [Test]
    public async Task Another_tenants_client_gets_404_while_the_pages_are_cached()
    {
        var tenantId = Guid.NewGuid();
        var otherId = Guid.NewGuid();
        await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        await factory.EnsureIdentityKnowsTenantAsync(otherId);
        using var stranger = await factory.ClientUserAsync(otherId, Roles.ClientAdmin);
        foreach (var url in new[] { $"/api/tenants/{tenantId}/seats", $"/api/tenants/{tenantId}/subscriptions" })
        {
            await CachedAsync(staff, url);
            for (var i = 0; i < 2; i++)
            {
                var response = await stranger.GetAsync(url);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), url);
                Assert.That(response.Headers.Age, Is.Null);
            }
            using var own = await factory.ClientUserAsync(tenantId, Roles.ClientViewer);
            var (hit, _) = await ReadAsync(own, url);
            Assert.That(hit, Is.False, $"{url}: the client gets an entry of its own, never staff's");
        }
    }
}
