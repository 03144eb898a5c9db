using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.Contracts.Seats;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Tenants;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>
/// The invoice run resource: POST answers 202 with its location at once, GET follows it from queued to completed with
/// tenants done of total, per-tenant failures with their reason; one active run per month; billing staff only.
/// </summary>
public sealed class InvoiceRunJobTests
{
    private const int Tenants = 12;
    private static readonly DateOnly Since = new(2026, 6, 1);
    private LicenceOpsFactory factory = null!;
    private BillingWorld world = null!;
    private HttpClient staff = null!;
    private Guid withoutProfile;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        factory = new LicenceOpsFactory(BillingWorld.Settings());
        world = new BillingWorld(factory);
        staff = await factory.StaffClientAsync(Roles.StaffBilling);
        for (var i = 0; i < Tenants; i++)
        {
            var tenant = await world.TenantAsync($"Progrès {i} SAS", "FR", null, "987654321");
            await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 2, 0, Since, 30m, "EUR", false, 30m);
        }

        // Seats knows this tenant's subscription, but Billing never received its profile: the run cannot invoice it.
        withoutProfile = Guid.NewGuid();
        var subscriptionId = Guid.NewGuid();
        await world.PublishAsync(new SubscriptionQuantityChanged(subscriptionId, withoutProfile, "Anthropic", "claude-team", "Claude Team",
            0, 2, Since, Since, Since.AddYears(1), "monthly", 30m, "EUR", false, 30m, BillingWorld.LongAgo));
        await Eventually.UntilAsync(async () =>
            await world.CountAsync("SELECT COUNT(*) FROM subscription_terms WHERE subscription_id = @subscriptionId", new { subscriptionId }) == 1);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task A_run_answers_202_at_once_and_its_progress_reaches_completed_with_failures_and_reasons()
    {
        var started = await staff.PostAsJsonAsync("/api/billing/runs", new { period = "2026-10", issue = true });

        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await started.Content.ReadAsStringAsync());
        var location = started.Headers.Location!;
        Assert.That(location.ToString(), Does.Match("^/api/billing/runs/[0-9a-f-]{36}$"));
        var accepted = await BillingWorld.JsonAsync(started);
        Assert.That(accepted.GetProperty("state").GetString(), Is.AnyOf("queued", "running"), "the worker may already have claimed it");
        Assert.That(accepted.GetProperty("period").GetString(), Is.EqualTo("2026-10"));

        // Follow it: tenants done only grows, and the state moves forward only.
        var order = new[] { "queued", "running", "completed" };
        var seen = new List<(string State, int Done)>();
        JsonElement run;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        do
        {
            run = await BillingWorld.JsonAsync(await staff.GetAsync(location));
            seen.Add((run.GetProperty("state").GetString()!, run.GetProperty("tenantsDone").GetInt32()));
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), run.ToString());
            await Task.Delay(20);
        }
        while (seen[^1].State is "queued" or "running");

        Assert.That(seen.Select(s => s.Done), Is.Ordered, "tenants done never goes back");
        Assert.That(seen.Select(s => Array.IndexOf(order, s.State)), Is.Ordered.And.All.GreaterThanOrEqualTo(0), string.Join(", ", seen));
        Assert.That(run.GetProperty("state").GetString(), Is.EqualTo("completed"));
        Assert.That((run.GetProperty("tenantsTotal").GetInt32(), run.GetProperty("tenantsDone").GetInt32()), Is.EqualTo((Tenants + 1, Tenants + 1)));
        Assert.That((run.GetProperty("drafted").GetInt32(), run.GetProperty("issued").GetInt32()), Is.EqualTo((Tenants, Tenants)));
        var failure = run.GetProperty("failures").EnumerateArray().Single();
        Assert.That(failure.GetProperty("tenantId").GetGuid(), Is.EqualTo(withoutProfile));
        Assert.That(failure.GetProperty("reason").GetString(), Does.Contain("no profile"));
        Assert.That(run.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE period = '2026-10' AND status = 'issued'"), Is.EqualTo(Tenants));

        // The list shows it, newest first, with the same counters.
        var list = await BillingWorld.JsonAsync(await staff.GetAsync("/api/billing/runs"));
        var listed = list.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == run.GetProperty("id").GetGuid());
        Assert.That((listed.GetProperty("issued").GetInt32(), listed.GetProperty("failed").GetInt32(), listed.GetProperty("state").GetString()),
            Is.EqualTo((Tenants, 1, "completed")));
    }

    [Test]
    public async Task A_second_run_of_a_month_while_one_is_active_is_409_and_changes_nothing()
    {
        // A run of 2026-08 held by a live executor (its lease far in the future), as if another host were working it.
        var activeId = Guid.NewGuid();
        await using (var connection = await world.Database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection,
                """
                INSERT INTO invoice_runs (id, period, issue, state, requested_by, requested_by_name, created_at, started_at, attempts, lease_owner, lease_until)
                VALUES (@activeId, '2026-08', 1, 'running', 'user:test', 'test', @now, @now, 1, @owner, @until)
                """,
                new { activeId, now = DateTimeOffset.UtcNow, owner = Guid.NewGuid(), until = DateTimeOffset.UtcNow.AddHours(1) });
        }
        var before = await world.InvoiceStateAsync();
        var runsBefore = await world.CountAsync("SELECT COUNT(*) FROM invoice_runs");

        var second = await staff.PostAsJsonAsync("/api/billing/runs", new { period = "2026-08", issue = false });

        var problem = await second.ProblemAsync(HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(activeId.ToString()));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoice_runs"), Is.EqualTo(runsBefore));
        Assert.That(await world.InvoiceStateAsync(), Is.EqualTo(before));
        await Task.Delay(500);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoice_run_tenants WHERE run_id = @activeId", new { activeId }), Is.Zero,
            "the worker leaves a run alone while another executor's lease holds");
    }

    [Test]
    public async Task Unknown_runs_are_404_and_only_billing_staff_see_runs()
    {
        await (await staff.GetAsync($"/api/billing/runs/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        var tenant = await world.TenantAsync("Curieux SAS", "FR", null, "987654321");
        using var client = await factory.ClientUserAsync(tenant, Roles.ClientAdmin);
        using var agent = await factory.StaffClientAsync(Roles.StaffAgent);
        var anyRun = (await BillingWorld.JsonAsync(await staff.GetAsync("/api/billing/runs"))).GetProperty("items");
        foreach (var caller in new[] { client, agent })
        {
            Assert.That((await caller.GetAsync("/api/billing/runs")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            if (anyRun.GetArrayLength() > 0)
            {
                Assert.That((await caller.GetAsync($"/api/billing/runs/{anyRun[0].GetProperty("id").GetGuid()}")).StatusCode,
                    Is.EqualTo(HttpStatusCode.Forbidden));
            }
        }
    }
}
