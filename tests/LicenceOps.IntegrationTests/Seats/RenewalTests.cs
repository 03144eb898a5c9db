using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// Renewal planning with a clock that moves: Copilot (10 seats at 32 €, 6 held, 4 in use) renews on 1 March 2027;
/// Perplexity (3 seats at 40 €, 2 held, no usage reported) renews on 10 December 2026.
/// </summary>
public sealed class RenewalTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private Guid tenantId;
    private Guid copilot;
    private Guid perplexity;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
        tenantId = Guid.NewGuid();
        await factory.EnsureIdentityKnowsTenantAsync(tenantId);
        copilot = await SubscriptionAsync("m365-copilot-annual", 10, 32m, "2027-03-01");
        perplexity = await SubscriptionAsync("perplexity-enterprise-pro", 3, 40m, "2026-12-10");
        for (var i = 0; i < 6; i++)
        {
            await SeatAsync(copilot, lastRead: "2026-11-22", active: i < 4);
        }

        await SeatAsync(perplexity, lastRead: null, active: false);
        await SeatAsync(perplexity, lastRead: null, active: false);
    }

    [TearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private async Task<Guid> SubscriptionAsync(string plan, int quantity, decimal price, string renewalDate)
    {
        await factory.EnsureIdentityKnowsTenantAsync(tenantId);
        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions", new
        {
            planCode = plan, vendorAccountId = $"ws-{Guid.NewGuid():N}", committedQuantity = quantity, termStart = "2026-03-01",
            renewalDate, salePricePerSeatEur = price, autoIncreasePolicy = "require_staff_approval",
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await SeatsKit.BodyAsync(response)).Id();
    }

    /// <summary>A held seat, with the latest usage snapshot (older ones said the opposite: only the latest counts).</summary>
    private async Task SeatAsync(Guid subscriptionId, string? lastRead, bool active)
    {
        var seatId = Guid.NewGuid();
        var personId = Guid.NewGuid();
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at)
            VALUES (@seatId, @tenantId, @subscriptionId, @personId, 'active', '2026-03-01', NULL, @now, @now)
            """,
            new { seatId, tenantId, subscriptionId, personId, now = factory.Clock.GetUtcNow() });
        if (lastRead is null)
        {
            return;
        }

        await UsageHistoryKit.AddAsync(factory, new[] { ("2026-11-01", !active), (lastRead, active) }
            .Select(r => new UsageHistoryKit.Row(seatId, r.Item1, tenantId, subscriptionId, personId, "2026-10-30", r.Item2)).ToArray());
    }

    private async Task<JsonElement> RenewalAsync(HttpClient client, Guid subscriptionId, string query = "")
    {
        var items = await SeatsKit.GetItemsAsync(client, $"/api/tenants/{tenantId}/renewals{query}");
        return items.EnumerateArray().Single(i => i.Id("subscriptionId") == subscriptionId);
    }

    [Test]
    public async Task Upcoming_renewals_carry_their_stage_recommendation_and_euro_difference()
    {
        // 23 Nov 2026: Copilot renews in 98 days, Perplexity in 17.
        var copilotRenewal = await RenewalAsync(staff, copilot);
        var perplexityRenewal = await RenewalAsync(staff, perplexity);
        Assert.Multiple(() =>
        {
            Assert.That(copilotRenewal.Str("stage"), Is.EqualTo("due_120"));
            Assert.That(copilotRenewal.GetProperty("daysUntilRenewal").GetInt32(), Is.EqualTo(98));
            Assert.That(copilotRenewal.GetProperty("activeSeats").GetInt32(), Is.EqualTo(4));
            // 4 × 1.10 = 4.4 → 5 seats instead of 10: 5 × 32 € = 160 € a month less, 1,920 € a year.
            Assert.That(copilotRenewal.GetProperty("recommendedQuantity").GetInt32(), Is.EqualTo(5));
            Assert.That(copilotRenewal.GetProperty("monthlyDifferenceEur").GetDecimal(), Is.EqualTo(-160m));
            Assert.That(copilotRenewal.GetProperty("annualDifferenceEur").GetDecimal(), Is.EqualTo(-1920m));

            Assert.That(perplexityRenewal.Str("stage"), Is.EqualTo("due_30"));
            // No usage reported: 2 assigned × 1.10 = 2.2 → 3, the current quantity.
            Assert.That(perplexityRenewal.Str("recommendationBasis"), Is.EqualTo("assigned"));
            Assert.That(perplexityRenewal.GetProperty("activeSeats").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(perplexityRenewal.GetProperty("recommendedQuantity").GetInt32(), Is.EqualTo(3));
            Assert.That(perplexityRenewal.GetProperty("monthlyDifferenceEur").GetDecimal(), Is.Zero);
            Assert.That(perplexityRenewal.GetProperty("pastRenewalWithoutDecision").GetBoolean(), Is.False);
        });

        // Within 30 days only Perplexity is listed.
        var soon = await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/renewals?within=30");
        Assert.That(soon.EnumerateArray().Select(i => i.Id("subscriptionId")), Is.EqualTo(new[] { perplexity }));
    }

    [Test]
    public async Task The_clock_moves_stages_forward_and_a_passed_renewal_without_decision_is_flagged_until_staff_decide()
    {
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        Assert.That((await RenewalAsync(staff, copilot)).Str("stage"), Is.EqualTo("due_90"), "90 days before 1 March");

        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 11, 9, 0, 0, TimeSpan.Zero));
        var passed = await RenewalAsync(staff, perplexity);
        Assert.That(passed.Str("stage"), Is.EqualTo("past"));
        Assert.That(passed.GetProperty("pastRenewalWithoutDecision").GetBoolean(), Is.True);
        var staffView = await SeatsKit.GetItemsAsync(staff, "/api/renewals?within=0");
        Assert.That(staffView.EnumerateArray().Any(i => i.Id("subscriptionId") == perplexity && i.GetProperty("pastRenewalWithoutDecision").GetBoolean()),
            Is.True, "the staff view across tenants shows the flag");

        var decided = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{perplexity}/renewal-decision",
            new { decision = "resize", quantity = 2, note = "Two users left in November." });
        Assert.That(decided.StatusCode, Is.EqualTo(HttpStatusCode.Created), await decided.Content.ReadAsStringAsync());

        var after = await RenewalAsync(staff, perplexity);
        Assert.That(after.GetProperty("pastRenewalWithoutDecision").GetBoolean(), Is.False);
        Assert.That(after.GetProperty("decision").Str("decision"), Is.EqualTo("resize"));
        Assert.That(after.GetProperty("decision").GetProperty("quantity").GetInt32(), Is.EqualTo(2));
        Assert.That(after.GetProperty("decision").Str("decidedBy"), Is.EqualTo(LicenceOpsFactory.AdminEmail));

        var again = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{perplexity}/renewal-decision", new { decision = "renew" });
        await SeatsKit.AssertProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Renewals_become_findings_per_horizon_and_close_when_decided()
    {
        async Task<List<(string Kind, string Subject, string Status, long Cents)>> FindingsAsync()
        {
            await factory.Service<LicenceOps.Seats.Jobs.RenewalFindingsJob>().RunAsync(CancellationToken.None);
            await using var connection = await SeatsKit.Db(factory).OpenAsync();
            return (await connection.QueryAsync<(string, string, string, long)>(
                "SELECT kind, subject_key, status, monthly_effect_cents FROM findings WHERE tenant_id = @tenantId ORDER BY created_at, subject_key",
                new { tenantId })).ToList();
        }

        // 23 Nov: Copilot at 120 days (renewing 5 seats instead of 10 saves 5 × 32 € = 160 € a month), Perplexity at 30 days.
        var first = await FindingsAsync();
        Assert.That(first, Is.EquivalentTo(new[]
        {
            ("renewal_due", $"renewal:{copilot:D}:2027-03-01:due_120", "open", 16000L),
            ("renewal_due", $"renewal:{perplexity:D}:2026-12-10:due_30", "open", 0L),
        }));
        Assert.That(await FindingsAsync(), Is.EquivalentTo(first), "a rerun refreshes, never duplicates");
        // No reconciliation run produces renewal findings: each keeps its own last seen, the job's last run that saw it (ADR 0055).
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await FindingsAsync();
        var renewals = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/findings")).EnumerateArray().Where(f => f.Str("kind") == "renewal_due").ToList();
        Assert.That(renewals.Select(f => (f.GetProperty("lastSeenAt").GetDateTimeOffset(), f.GetProperty("lastRunId").ValueKind)),
            Is.All.EqualTo((factory.Clock.GetUtcNow(), JsonValueKind.Null)));

        // 1 Dec: Copilot reaches its 90-day stage: the 120-day finding closes, a 90-day one opens.
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var december = await FindingsAsync();
        Assert.That(december.Single(f => f.Subject.EndsWith(":due_120", StringComparison.Ordinal)).Status, Is.EqualTo("auto_closed"));
        Assert.That(december.Single(f => f.Subject.EndsWith(":due_90", StringComparison.Ordinal)).Status, Is.EqualTo("open"));

        // 11 Dec: Perplexity passed its date undecided; a decision closes that finding at the next run.
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 11, 9, 0, 0, TimeSpan.Zero));
        var passed = await FindingsAsync();
        Assert.That(passed.Single(f => f.Kind == "renewal_without_decision").Status, Is.EqualTo("open"));
        Assert.That(passed.Single(f => f.Subject.EndsWith(":due_30", StringComparison.Ordinal)).Status, Is.EqualTo("auto_closed"));
        var decided = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{perplexity}/renewal-decision", new { decision = "cancel" });
        Assert.That(decided.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await FindingsAsync()).Single(f => f.Kind == "renewal_without_decision").Status, Is.EqualTo("auto_closed"));

        var listed = await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/findings");
        Assert.That(listed.EnumerateArray().Count(f => f.Str("kind") == "renewal_due"), Is.EqualTo(3), "renewal findings list with the others");
    }

    [Test]
    public async Task Clients_read_their_own_renewals_only_and_cannot_decide()
    {
        using var client = await factory.ClientUserAsync(tenantId, Roles.ClientAdmin);
        Assert.That((await RenewalAsync(client, copilot)).Str("stage"), Is.EqualTo("due_120"));
        await SeatsKit.AssertProblemAsync(await client.GetAsync($"/api/tenants/{Guid.NewGuid()}/renewals"), HttpStatusCode.NotFound);
        Assert.That((await client.GetAsync("/api/renewals")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var decide = await client.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{copilot}/renewal-decision", new { decision = "renew" });
        Assert.That(decide.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("{\"decision\":\"maybe\"}", "decision")]
    [TestCase("{\"decision\":\"resize\"}", "quantity")]
    [TestCase("{\"decision\":\"renew\",\"quantity\":4}", "quantity")]
    public async Task A_bad_decision_is_refused_and_records_nothing(string body, string field)
    {
        var response = await staff.PostAsync($"/api/tenants/{tenantId}/subscriptions/{copilot}/renewal-decision",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await SeatsKit.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That((await SeatsKit.BodyAsync(response)).GetProperty("errors").TryGetProperty(field, out _), Is.True);
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM renewal_decisions WHERE subscription_id = @copilot", new { copilot }), Is.Zero);
    }

    [Test]
    public async Task A_seats_state_stored_once_as_a_change_reads_as_the_same_state_repeated_every_day()
    {
        // ADR 0044: a seat's latest row, whatever its day, is its state. The same facts stored as one row per day (as before)
        // give the same renewal views, Copilot's four active seats included.
        var asChanges = (await RenewalAsync(staff, copilot)).ToString() + (await RenewalAsync(staff, perplexity));
        var added = await UsageHistoryKit.RepeatDailyAsync(factory, tenantId, new DateOnly(2026, 11, 23));
        Assert.That(added, Is.GreaterThan(0));

        var daily = (await RenewalAsync(staff, copilot)).ToString() + (await RenewalAsync(staff, perplexity));

        Assert.That(daily, Is.EqualTo(asChanges));
        Assert.That((await RenewalAsync(staff, copilot)).GetProperty("activeSeats").GetInt32(), Is.EqualTo(4));
    }
}
