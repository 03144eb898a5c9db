using System.Net;
using System.Net.Http.Json;
using System.Text;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats.Vendors;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// A vendor account deleted while its reconciliation reads the vendor gets nothing from that run: no findings, usage rows,
/// member snapshot, activations, events or audit, on the per-account path (POST .../reconcile) and in a batch
/// (RunManyAsync). The vendor fake holds the member list until the test has deleted the account, so the order is forced,
/// not timed. A delete that comes after the run closes and removes what the run wrote, by the delete's own rules.
/// </summary>
public sealed class AccountDeletedMidRunTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private AnthropicWorkspace claude = null!;
    private TaskCompletionSource reading = null!;
    private TaskCompletionSource release = null!;
    private Guid fay;

    [SetUp]
    public async Task Start()
    {
        // NUnit shares the fixture instance between tests: every test gets its own pair.
        reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Seats:Vendors:RetryBaseDelaySeconds"] = "0.01", ["Seats:Vendors:MaxRetries"] = "1" });
        staff = await factory.StaffClientAsync();
        claude = await AnthropicWorkspace.StartAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        release.TrySetResult();
        staff.Dispose();
        factory.Dispose();
        await claude.DisposeAsync();
    }

    /// <summary>A Claude account whose reading would open findings (a personal account, a shadow user) and activate fay's invite.</summary>
    private async Task<(Guid Tenant, Guid Subscription, Guid Account)> ClaudeEstateAsync()
    {
        var tenantId = Guid.NewGuid();
        await SeatsKit.PublishAsync(factory, new TenantEmailDomainsChanged(tenantId, ["client.test"], factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM tenant_reconciliation_policies WHERE tenant_id = @tenantId AND email_domains <> ''", new { tenantId }) == 1);
        foreach (var name in new[] { "ann", "fay", "eve" })
        {
            var personId = Guid.NewGuid();
            await SeatsKit.PublishAsync(factory, new PersonJoined(personId, tenantId, $"{name}@client.test", name, null, new DateOnly(2026, 1, 5), factory.Clock.GetUtcNow()));
            await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM people WHERE person_id = @personId", new { personId }) == 1);
            if (name == "fay")
            {
                fay = personId;
            }
        }
        var sub = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-standard-monthly", quantity: 4, salePrice: 27.50m)).Id();
        await TakeOverAsync(tenantId, sub, "email,status,last active\nann@client.test,active,2026-11-20\nfay@client.test,invited,\n");
        var account = await AccountAsync(tenantId, sub, new
        {
            vendorCode = "anthropic", connector = "anthropic", displayName = "Client Claude", baseAddress = claude.Server.BaseAddress.AbsoluteUri,
            secret = "sk-ant-admin-test",
        });
        var today = LicenceOps.Platform.ParisCalendar.DateOf(factory.Clock.GetUtcNow());
        claude.Users["ann@client.test"] = ("Ann", today.AddDays(-1));
        claude.Users["fay@client.test"] = ("Fay", null);
        claude.Users["zoe@client.test"] = ("Zoe", today.AddDays(-1));
        claude.Users["gus.private@gmail.com"] = ("Gus", today.AddDays(-1));
        // The member list is answered, then held until the test lets it go: the run is then between its reading and its write.
        claude.Server.BeforeReply = async request =>
        {
            if (request.Path == "/v1/organizations/users")
            {
                reading.TrySetResult();
                await release.Task;
            }
        };
        return (tenantId, sub, account);
    }

    private async Task TakeOverAsync(Guid tenantId, Guid subscriptionId, string csv)
    {
        var job = await TakeOverJobKit.AppliedAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{subscriptionId}/take-over?apply=true",
            new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("succeeded"), job.ToString());
    }

    private async Task<Guid> AccountAsync(Guid tenantId, Guid subscriptionId, object body)
    {
        var created = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", body);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await SeatsKit.BodyAsync(created)).Id();
        var link = await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{subscriptionId}/vendor-account", new { vendorAccountId = id });
        Assert.That(link.StatusCode, Is.EqualTo(HttpStatusCode.OK), await link.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>What staff do to delete a connected account: disconnect, then delete.</summary>
    private async Task DeleteAsync(Guid tenantId, Guid subscriptionId, Guid accountId)
    {
        var unlink = await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{subscriptionId}/vendor-account", new { vendorAccountId = (Guid?)null });
        Assert.That(unlink.StatusCode, Is.EqualTo(HttpStatusCode.OK), await unlink.Content.ReadAsStringAsync());
        var deleted = await staff.DeleteAsync($"/api/tenants/{tenantId}/vendor-accounts/{accountId}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await deleted.Content.ReadAsStringAsync());
    }

    private async Task AssertNothingRecordedForAsync(Guid tenantId, Guid accountId)
    {
        var param = new { tenantId, accountId, pattern = $"%{accountId}%", tenantPattern = $"%{tenantId}%", fayPattern = $"%{fay}%" };
        Assert.Multiple(async () =>
        {
            Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @accountId", param), Is.EqualTo(0), "findings");
            Assert.That(await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE vendor_account_id = @accountId", param), Is.EqualTo(0), "usage rows");
            Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_members WHERE vendor_account_id = @accountId", param), Is.EqualTo(0), "member snapshot");
            Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE vendor_account_id = @accountId", param), Is.EqualTo(0), "runs");
            Assert.That(await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'reconciliation_run' AND changes LIKE @pattern", param), Is.EqualTo(0), "run audit");
            Assert.That(await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM seats s JOIN people p ON p.person_id = s.person_id WHERE s.tenant_id = @tenantId AND p.email = 'fay@client.test' AND s.status = 'invited'",
                param), Is.EqualTo(1), "fay's invite was not activated");
            // The run would have activated fay's invite and reported gus's personal account.
            Assert.That(await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%.SeatActivated,%' AND body LIKE @fayPattern", param), Is.EqualTo(0),
                "no activation event");
            Assert.That(await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%.WrongAccountActivationDetected,%' AND body LIKE @tenantPattern", param),
                Is.EqualTo(0), "no finding event");
        });
    }

    [Test]
    public async Task A_manual_run_whose_account_is_deleted_while_it_reads_the_vendor_records_nothing_and_answers_404()
    {
        var (tenantId, sub, account) = await ClaudeEstateAsync();

        var run = staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/reconcile", null);
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await DeleteAsync(tenantId, sub, account);
        release.SetResult();
        var response = await run;

        await SeatsKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
        await AssertNothingRecordedForAsync(tenantId, account);
    }

    [Test]
    public async Task In_a_batch_the_deleted_account_is_abandoned_the_other_applies_and_deleting_it_afterwards_closes_what_its_run_wrote()
    {
        var (tenantId, sub, account) = await ClaudeEstateAsync();
        // A second account in the same batch: a CSV export listing a member nobody recorded (a shadow-user finding).
        var perplexity = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "perplexity-enterprise-pro", quantity: 2, salePrice: 40m)).Id();
        await TakeOverAsync(tenantId, perplexity, "email,status,last active\neve@client.test,active,2026-11-20\n");
        var csv = await AccountAsync(tenantId, perplexity, new { vendorCode = "perplexity", connector = "csv", displayName = "Client Perplexity" });
        var export = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{csv}/member-export?apply=true",
            new StringContent("email,status,last active\neve@client.test,active,2026-11-27\nzed@client.test,active,2026-11-27\n", Encoding.UTF8, "text/csv"));
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK), await export.Content.ReadAsStringAsync());
        var db = factory.Services.GetRequiredService<ModuleDatabase<SeatsModule>>();
        var rows = new List<VendorAccountRow>();
        foreach (var id in new[] { account, csv })
        {
            rows.Add((await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id", new { id }))!);
        }

        using var scope = factory.Services.CreateScope();
        var batch = scope.ServiceProvider.GetRequiredService<ReconciliationRunner>().RunManyAsync(rows, "schedule", 2, CancellationToken.None);
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await DeleteAsync(tenantId, sub, account);
        release.SetResult();
        var runs = await batch;

        Assert.That(runs.Select(r => r.VendorAccountId), Is.EqualTo(new[] { account, csv }), "results in the order asked");
        Assert.That(runs[0].State, Is.EqualTo(ReconciliationRunner.Abandoned));
        Assert.That(runs[0].FailureReason, Does.Contain("deleted"));
        await AssertNothingRecordedForAsync(tenantId, account);
        Assert.That(runs[1].State, Is.EqualTo("succeeded"), runs[1].FailureReason);
        var open = await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @csv AND status = 'open'", new { csv });
        Assert.That(open, Is.GreaterThan(0), "the other account's reading applied");
        var usage = await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE vendor_account_id = @csv", new { csv });

        // The delete after the run: its findings close, its run history goes, its usage snapshot stays for reports.
        await DeleteAsync(tenantId, perplexity, csv);
        Assert.Multiple(async () =>
        {
            Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @csv AND status = 'open'", new { csv }), Is.EqualTo(0));
            Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @csv AND status = 'auto_closed'", new { csv }),
                Is.EqualTo(open));
            Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE vendor_account_id = @csv", new { csv }), Is.EqualTo(0));
            Assert.That(await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE vendor_account_id = @csv", new { csv }), Is.EqualTo(usage));
        });
    }

    [Test]
    public async Task A_run_whose_account_credential_was_replaced_while_it_read_the_vendor_fails_with_the_reason_and_compares_nothing()
    {
        var (tenantId, _, account) = await ClaudeEstateAsync();

        var run = staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/reconcile", null);
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var changed = await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/credential",
            new { secret = "sk-ant-admin-other-organisation" });
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await changed.Content.ReadAsStringAsync());
        release.SetResult();
        var response = await run;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var body = await SeatsKit.BodyAsync(response);
        Assert.That(body.Str("state"), Is.EqualTo("failed"));
        Assert.That(body.Str("failureReason"), Does.Contain("changed while its vendor was read"));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @account", new { account }), Is.EqualTo(0));
    }
}
