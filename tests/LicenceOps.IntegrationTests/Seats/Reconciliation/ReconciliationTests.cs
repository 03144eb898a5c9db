using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats.Vendors;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// Reconciliation over the loopback connector fakes: every finding kind, two runs stable, findings closing when their cause
/// disappears, a vendor outage or malformed answer that changes nothing, activation, usage snapshots, reclaim through the
/// release workflow, settings watch, and tenant isolation of the findings routes.
/// </summary>
public sealed class ReconciliationTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private AnthropicWorkspace claude = null!;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Seats:Vendors:RetryBaseDelaySeconds"] = "0.01", ["Seats:Vendors:MaxRetries"] = "1" });
        staff = await factory.StaffClientAsync();
        claude = await AnthropicWorkspace.StartAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        staff.Dispose();
        factory.Dispose();
        await claude.DisposeAsync();
    }

    private DateOnly Today => ParisCalendar.DateOf(factory.Clock.GetUtcNow());

    private async Task<Guid> PersonAsync(Guid tenantId, string email, string name)
    {
        var personId = Guid.NewGuid();
        await SeatsKit.PublishAsync(factory, new PersonJoined(personId, tenantId, email, name, null, new DateOnly(2026, 1, 5), factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM people WHERE person_id = @personId", new { personId }) == 1);
        return personId;
    }

    private async Task DomainsAsync(Guid tenantId, params string[] domains)
    {
        await SeatsKit.PublishAsync(factory, new TenantEmailDomainsChanged(tenantId, domains, factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM tenant_reconciliation_policies WHERE tenant_id = @tenantId AND email_domains <> ''", new { tenantId }) == 1);
    }

    private async Task TakeOverAsync(Guid tenantId, Guid subscriptionId, string csv)
    {
        // The apply is a background job (202): the seats exist once it has succeeded.
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

    private async Task<JsonElement> ReconcileAsync(Guid tenantId, Guid accountId)
    {
        var response = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{accountId}/reconcile", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await SeatsKit.BodyAsync(response);
    }

    private async Task<List<JsonElement>> FindingsAsync(HttpClient client, Guid tenantId, string query = "") =>
        (await SeatsKit.GetItemsAsync(client, $"/api/tenants/{tenantId}/findings?limit=200{query}")).EnumerateArray().ToList();

    private static JsonElement Of(List<JsonElement> findings, string kind, string? email = null) =>
        findings.Single(f => f.Str("kind") == kind && (email is null || f.GetProperty("memberEmail").GetString() == email));

    /// <summary>
    /// A Claude Team workspace of six people taken over from the client, then drifting: the fixture of the whole test class.
    /// ann uses Claude; ben stopped 40 days ago; cat never accepted her invite; dan was removed at the vendor; eve uses
    /// Perplexity but not Claude; fay accepted her invite; zoe is a member nobody recorded; a personal gmail account joined.
    /// </summary>
    private async Task<(Guid Tenant, Guid Subscription, Guid Account, Dictionary<string, Guid> People)> EstateAsync()
    {
        var tenantId = Guid.NewGuid();
        await DomainsAsync(tenantId, "client.test");
        var people = new Dictionary<string, Guid>();
        foreach (var name in new[] { "ann", "ben", "cat", "dan", "eve", "fay" })
        {
            people[name] = await PersonAsync(tenantId, $"{name}@client.test", $"{char.ToUpperInvariant(name[0])}{name[1..]} Client");
        }
        var sub = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-standard-monthly", quantity: 8, salePrice: 27.50m)).Id();
        await TakeOverAsync(tenantId, sub, """
            email,status,last active
            ann@client.test,active,2026-11-20
            ben@client.test,active,2026-11-01
            cat@client.test,invited,
            dan@client.test,active,2026-11-20
            eve@client.test,active,2026-11-20
            fay@client.test,invited,
            """);
        var perplexity = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "perplexity-enterprise-pro", quantity: 2, salePrice: 40m)).Id();
        await TakeOverAsync(tenantId, perplexity, "email,status,last active\neve@client.test,active,2026-11-20\n");
        var account = await AccountAsync(tenantId, sub, new
        {
            vendorCode = "anthropic", connector = "anthropic", displayName = "Client Claude", baseAddress = claude.Server.BaseAddress.AbsoluteUri,
            secret = "sk-ant-admin-test",
        });

        // Twenty days later, the vendor's view.
        factory.Clock.Advance(TimeSpan.FromDays(20));
        var yesterday = Today.AddDays(-1);
        claude.Users["ann@client.test"] = ("Ann Client", yesterday);
        claude.Users["ben@client.test"] = ("Ben Client", Today.AddDays(-40));
        claude.Invites["cat@client.test"] = factory.Clock.GetUtcNow().AddDays(-20);
        claude.Users["eve@client.test"] = ("Eve Client", Today.AddDays(-20));
        claude.Users["fay@client.test"] = ("Fay Client", null);
        claude.Users["zoe@client.test"] = ("Zoe Client", yesterday);
        claude.Users["gus.private@gmail.com"] = ("Gus", yesterday);

        // Eve's Perplexity is a CSV-export account: its reconciliation records her recent Perplexity use first.
        var csvAccount = await AccountAsync(tenantId, perplexity, new { vendorCode = "perplexity", connector = "csv", displayName = "Client Perplexity" });
        var export = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{csvAccount}/member-export?apply=true",
            new StringContent($"email,status,last active\neve@client.test,active,{yesterday:yyyy-MM-dd}\n", Encoding.UTF8, "text/csv"));
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK), await export.Content.ReadAsStringAsync());
        Assert.That((await ReconcileAsync(tenantId, csvAccount)).Str("state"), Is.EqualTo("succeeded"));
        return (tenantId, sub, account, people);
    }

    [Test]
    public async Task A_run_finds_every_kind_activates_the_accepted_invite_and_records_usage_and_a_second_run_changes_nothing()
    {
        var (tenantId, sub, account, people) = await EstateAsync();

        var run = await ReconcileAsync(tenantId, account);
        Assert.That(run.Str("state"), Is.EqualTo("succeeded"), run.ToString());
        Assert.That(run.GetProperty("seatsActivated").GetInt32(), Is.EqualTo(1));

        var findings = await FindingsAsync(staff, tenantId, "&vendor=anthropic");
        var kinds = findings.Select(f => f.Str("kind")).ToList();
        Assert.That(Of(findings, "shadow_user", "zoe@client.test").GetProperty("needsClient").GetBoolean(), Is.True);
        var wrong = Of(findings, "wrong_account", "gus.private@gmail.com");
        Assert.That(wrong.Str("summary"), Does.Contain("personal mail provider"));
        Assert.That(Of(findings, "missing_at_vendor").GetProperty("personId").GetGuid(), Is.EqualTo(people["dan"]));
        Assert.That(Of(findings, "inactive_seat").GetProperty("personId").GetGuid(), Is.EqualTo(people["ben"]));
        Assert.That(Of(findings, "stale_invite").GetProperty("personId").GetGuid(), Is.EqualTo(people["cat"]));
        var overlap = Of(findings, "overlapping_tools");
        Assert.That(overlap.GetProperty("personId").GetGuid(), Is.EqualTo(people["eve"]));
        Assert.That(overlap.Str("summary"), Does.Contain("Perplexity"));
        Assert.That(kinds, Does.Contain("member_count_mismatch"), "7 members listed, 6 seats recorded");
        Assert.That(kinds.Count(k => k == "setting_unverified"), Is.GreaterThan(0), "nobody has verified the Claude settings yet");
        Assert.That(kinds, Does.Not.Contain("quantity_mismatch"), "the Anthropic API gives no purchased quantity: not compared");
        Assert.That(findings.All(f => f.Str("status") == "open"));
        await AssertOpeningsAuditedByTheRunAsync(tenantId, run.Id("runId"), findings.Count);

        var inactive = Of(findings, "inactive_seat");
        Assert.That(inactive.GetProperty("monthlyEffectEur").GetDecimal(), Is.EqualTo(27.50m));
        Assert.That(inactive.Str("effectBasis"), Does.Contain("27.50 EUR sale price per seat per month"));
        var effects = findings.Select(f => f.GetProperty("monthlyEffectEur").GetDecimal()).ToList();
        Assert.That(effects, Is.Ordered.Descending, "largest euro effect first");

        var fay = await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats?limit=200");
        Assert.That(fay.EnumerateArray().Single(s => s.Id("personId") == people["fay"] && s.Id("subscriptionId") == sub).Str("status"), Is.EqualTo("active"),
            "the vendor lists Fay with her company address: her seat is active without a staff click");
        // Counted for this tenant: the demo's backdated seats are published as activated too.
        Assert.That((await SeatsKit.OutboxBodiesAsync(factory, "SeatActivated")).Count(b => b.Contains(tenantId.ToString(), StringComparison.OrdinalIgnoreCase)),
            Is.EqualTo(6), "5 taken over active (4 Claude, 1 Perplexity), plus Fay's activation");
        Assert.That(await SeatsKit.OutboxCountAsync(factory, "WrongAccountActivationDetected"), Is.EqualTo(1));
        Assert.That(await SeatsKit.OutboxCountAsync(factory, "ReconciliationFindingNeedsClient"), Is.EqualTo(3), "shadow user, stale invite, overlap");
        Assert.That(await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE vendor_account_id = @account AND day = @day",
            new { account, day = Today }), Is.EqualTo(6));
        Assert.That(await SeatsKit.CountAsync(factory,
            $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE vendor_account_id = @account AND active = 1", new { account }), Is.EqualTo(2),
            "Ann and Eve used Claude within 30 days");

        var before = await SnapshotAsync(tenantId);
        factory.Clock.Advance(TimeSpan.FromHours(1));
        var second = await ReconcileAsync(tenantId, account);
        Assert.That(second.GetProperty("findingsOpened").GetInt32(), Is.Zero);
        Assert.That(second.GetProperty("findingsClosed").GetInt32(), Is.Zero);
        Assert.That(await SnapshotAsync(tenantId), Is.EqualTo(before), "same findings, same statuses: no duplicate");
        Assert.That(await SeatsKit.OutboxCountAsync(factory, "WrongAccountActivationDetected"), Is.EqualTo(1), "published once per opening");
        Assert.That(await SeatsKit.OutboxCountAsync(factory, "ReconciliationFindingNeedsClient"), Is.EqualTo(3));
    }

    /// <summary>
    /// Every finding the run opened is in the run's audit entry, one element each with its kind, subject and effect, as staff read
    /// the entry, and none has an "opened" entry of its own (ADR 0057).
    /// </summary>
    private async Task AssertOpeningsAuditedByTheRunAsync(Guid tenantId, Guid runId, int opened)
    {
        var entry = (await SeatsKit.GetItemsAsync(staff, $"/api/seats/audit?entityId={runId}")).EnumerateArray().Single();
        Assert.That(entry.Str("action"), Is.EqualTo("succeeded"));
        using var changes = JsonDocument.Parse(entry.Str("changes"));
        var listed = changes.RootElement.GetProperty("openedFindings").EnumerateArray()
            .Select(f => $"{f.Id()}|{f.Str("kind")}|{f.Str("subjectKey")}|{f.GetProperty("monthlyEffectCents").GetInt64()}").Order().ToList();
        var stored = (await SeatsKit.Db(factory).QueryAsync<(string Id, string Kind, string SubjectKey, long Cents)>(
                "SELECT id, kind, subject_key, monthly_effect_cents FROM findings WHERE first_run_id = @runId", new { runId }))
            .Select(f => $"{Guid.Parse(f.Id)}|{f.Kind}|{f.SubjectKey}|{f.Cents}").Order().ToList();
        Assert.That(listed, Has.Count.EqualTo(opened), "every opening listed once");
        Assert.That(listed, Is.EqualTo(stored), "the run's entry lists exactly the findings it opened");
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'finding' AND action = 'opened' AND tenant_id = @tenantId",
            new { tenantId }), Is.Zero, "no entry per finding for a run's openings");
    }

    private async Task<string> SnapshotAsync(Guid tenantId) =>
        string.Join("\n", await SeatsKit.Db(factory).QueryAsync<string>(
            "SELECT kind || '|' || subject_key || '|' || status || '|' || monthly_effect_cents FROM findings WHERE tenant_id = @tenantId ORDER BY kind, subject_key",
            new { tenantId }));

    [Test]
    public async Task Findings_close_themselves_when_the_cause_disappears_and_reopen_when_it_returns()
    {
        var (tenantId, _, account, _) = await EstateAsync();
        await ReconcileAsync(tenantId, account);
        var shadow = Of(await FindingsAsync(staff, tenantId), "shadow_user", "zoe@client.test");

        claude.Users.TryRemove("zoe@client.test", out _);
        claude.Users.TryRemove("gus.private@gmail.com", out _);
        var run = await ReconcileAsync(tenantId, account);
        Assert.That(run.GetProperty("findingsClosed").GetInt32(), Is.EqualTo(2), run.ToString());
        var closed = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/findings/{shadow.Id()}");
        Assert.That(closed.Str("status"), Is.EqualTo("auto_closed"));
        Assert.That(closed.Str("statusReason"), Does.Contain("no longer seen"));

        claude.Users["zoe@client.test"] = ("Zoe Client", Today);
        await ReconcileAsync(tenantId, account);
        var reopened = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/findings/{shadow.Id()}");
        Assert.That(reopened.Str("status"), Is.EqualTo("open"));
        Assert.That(reopened.GetProperty("openedCount").GetInt32(), Is.EqualTo(2), "the same row, opened a second time");
        Assert.That(await SeatsKit.OutboxCountAsync(factory, "ReconciliationFindingNeedsClient"), Is.EqualTo(4), "the reopening is news again");
    }

    [Test]
    public async Task A_pipeline_over_several_accounts_applies_each_one_and_a_failed_reading_fails_only_its_own_run()
    {
        var (tenantId, _, account, _) = await EstateAsync();
        // A CSV account whose member export was never imported: its reading fails, in the same batch as the Claude account.
        var empty = (await SeatsKit.BodyAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts",
            new { vendorCode = "openai", connector = "csv", displayName = "Client ChatGPT" }))).Id();
        var db = factory.Services.GetRequiredService<ModuleDatabase<SeatsModule>>();
        var rows = new List<VendorAccountRow>();
        foreach (var id in new[] { account, empty })
        {
            rows.Add((await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id", new { id }))!);
        }

        using var scope = factory.Services.CreateScope();
        var runs = await scope.ServiceProvider.GetRequiredService<ReconciliationRunner>().RunManyAsync(rows, "schedule", 2, CancellationToken.None);

        Assert.That(runs.Select(r => r.VendorAccountId), Is.EqualTo(new[] { account, empty }), "results in the order asked");
        Assert.That(runs[0].State, Is.EqualTo("succeeded"));
        Assert.That(runs[0].FindingsOpened, Is.GreaterThan(0));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @account AND status = 'open'", new { account }),
            Is.EqualTo(runs[0].FindingsOpened));
        await AssertOpeningsAuditedByTheRunAsync(tenantId, runs[0].RunId, runs[0].FindingsOpened);
        Assert.That(runs[1].State, Is.EqualTo("failed"));
        Assert.That(runs[1].FailureReason, Does.Contain("No member export"));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @empty", new { empty }), Is.EqualTo(0));
        Assert.That(await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'reconciliation_run' AND entity_id IN (@a, @b) AND action IN ('succeeded', 'failed')",
            new { a = runs[0].RunId, b = runs[1].RunId }), Is.EqualTo(2), "each run audited once");
    }

    [Test]
    public async Task A_pipeline_over_several_tenants_reads_each_ones_inputs_and_agrees_with_a_run_of_each_account_alone()
    {
        // Both tenants' inputs are read by one query per kind of input: a mix-up would show as findings a single run then changes.
        var (first, _, firstAccount, _) = await EstateAsync();
        var (second, _, secondAccount, _) = await EstateAsync();
        var db = factory.Services.GetRequiredService<ModuleDatabase<SeatsModule>>();
        var rows = new List<VendorAccountRow>();
        foreach (var id in new[] { firstAccount, secondAccount })
        {
            rows.Add((await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id", new { id }))!);
        }
        using (var scope = factory.Services.CreateScope())
        {
            var runs = await scope.ServiceProvider.GetRequiredService<ReconciliationRunner>().RunManyAsync(rows, "schedule", 2, CancellationToken.None);
            Assert.That(runs.Select(r => r.State), Is.EqualTo(new[] { "succeeded", "succeeded" }));
            Assert.That(runs.Select(r => r.FindingsOpened), Is.All.GreaterThan(0));
            Assert.That(runs.Select(r => r.SeatsCompared), Is.EqualTo(new[] { 6, 6 }), "each account compared with its own seats only");
            // Once more: the first pass activated Fay's seats, which the next reading judges as active seats (the older estate's
            // is then past the inactivity policy). From here on nothing changes, whichever way the accounts are run.
            factory.Clock.Advance(TimeSpan.FromMinutes(10));
            await scope.ServiceProvider.GetRequiredService<ReconciliationRunner>().RunManyAsync(rows, "schedule", 2, CancellationToken.None);
        }
        var before = (await SnapshotAsync(first), await SnapshotAsync(second));
        Assert.That(await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM findings WHERE tenant_id = @first AND vendor_account_id IS NOT NULL AND vendor_account_id NOT IN (SELECT id FROM vendor_accounts WHERE tenant_id = @first)",
            new { first }), Is.Zero, "no finding of one tenant names another tenant's account");

        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        foreach (var (tenantId, account) in new[] { (first, firstAccount), (second, secondAccount) })
        {
            var alone = await ReconcileAsync(tenantId, account);
            Assert.That(alone.GetProperty("findingsOpened").GetInt32(), Is.Zero, alone.ToString());
            Assert.That(alone.GetProperty("findingsClosed").GetInt32(), Is.Zero, alone.ToString());
        }
        Assert.That((await SnapshotAsync(first), await SnapshotAsync(second)), Is.EqualTo(before));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE state = 'running'"), Is.Zero,
            "a run row is written with its outcome, never left running");
    }

    [Test]
    public async Task A_batch_lets_its_readings_gather_and_applies_readings_that_arrive_apart_in_one_write_transaction()
    {
        // Three tenants' accounts read one after the other, each vendor answer 150 ms after the request: a writer that opened a
        // transaction for every reading waiting would apply them in two or three. The test's clock stands still, so the writer's
        // moment of gathering lasts until every vendor has been read (ADR 0073).
        var rows = new List<VendorAccountRow>();
        var db = factory.Services.GetRequiredService<ModuleDatabase<SeatsModule>>();
        for (var i = 0; i < 3; i++)
        {
            var tenantId = Guid.NewGuid();
            await DomainsAsync(tenantId, "client.test");
            var sub = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-standard-monthly", quantity: 2, salePrice: 27.50m)).Id();
            var id = await AccountAsync(tenantId, sub, new
            {
                vendorCode = "anthropic", connector = "anthropic", displayName = "Client Claude", baseAddress = claude.Server.BaseAddress.AbsoluteUri,
                secret = "sk-ant-admin-test",
            });
            rows.Add((await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id", new { id }))!);
        }
        claude.Users["zoe@client.test"] = ("Zoe Client", Today.AddDays(-1));
        claude.Server.BeforeReply = _ => Task.Delay(TimeSpan.FromMilliseconds(150));
        // Each run row is inserted by the transaction that applies its reading.
        var transactions = new HashSet<UnitOfWork>(ReferenceEqualityComparer.Instance);
        db.BeforeStatement = (uow, sql) =>
        {
            if (sql.Contains("INSERT INTO reconciliation_runs", StringComparison.Ordinal))
            {
                lock (transactions)
                {
                    transactions.Add(uow);
                }
            }
            return Task.CompletedTask;
        };
        try
        {
            using var scope = factory.Services.CreateScope();
            var runs = await scope.ServiceProvider.GetRequiredService<ReconciliationRunner>().RunManyAsync(rows, "schedule", 1, CancellationToken.None);
            Assert.That(runs.Select(r => r.State), Is.EqualTo(new[] { "succeeded", "succeeded", "succeeded" }));
            Assert.That(runs.Select(r => r.FindingsOpened), Is.All.GreaterThan(0), "each reading compared and applied");
        }
        finally
        {
            db.BeforeStatement = null;
            claude.Server.BeforeReply = null;
        }
        Assert.That(transactions, Has.Count.EqualTo(1), "the three readings applied in one write transaction");
    }

    [TestCase(503, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", "503")]
    [TestCase(200, "{ this is not json", "JSON")]
    public async Task A_vendor_outage_or_malformed_answer_fails_the_run_with_the_reason_and_changes_nothing_else(int status, string body, string reason)
    {
        var (tenantId, sub, account, _) = await EstateAsync();
        await ReconcileAsync(tenantId, account);
        var before = await SnapshotAsync(tenantId);
        var seats = await staff.GetStringAsync($"/api/tenants/{tenantId}/seats?limit=200");
        var usage = await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows}");
        var outbox = await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM outbox_messages");

        claude.Users.Clear();
        claude.Break(FakeReply.Code(status, body));
        factory.Clock.Advance(TimeSpan.FromDays(1));
        var run = await ReconcileAsync(tenantId, account);

        Assert.That(run.Str("state"), Is.EqualTo("failed"));
        Assert.That(run.Str("failureReason"), Does.Contain("/v1/organizations/users").And.Contain(reason));
        Assert.That(await SnapshotAsync(tenantId), Is.EqualTo(before), "previous findings kept");
        Assert.That(await staff.GetStringAsync($"/api/tenants/{tenantId}/seats?limit=200"), Is.EqualTo(seats));
        Assert.That(await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows}"), Is.EqualTo(usage));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM outbox_messages"), Is.EqualTo(outbox), "nothing published");
        var runs = await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/vendor-accounts/{account}/reconciliation-runs");
        Assert.That(runs[0].Str("state"), Is.EqualTo("failed"), "newest first");
        Assert.That(runs[1].Str("state"), Is.EqualTo("succeeded"));
    }

    [Test]
    public async Task Reclaiming_an_inactive_seat_releases_it_and_removes_the_member_through_the_connector()
    {
        var (tenantId, _, account, people) = await EstateAsync();
        var removed = new List<string>();
        claude.Server.OnPrefix = r =>
        {
            if (r.Method == "DELETE" && r.Path.StartsWith("/v1/organizations/users/", StringComparison.Ordinal))
            {
                var id = r.Path.Split('/').Last();
                var member = claude.Users.Keys.FirstOrDefault(k => AnthropicWorkspace.Id(k) == id);
                if (member is not null && claude.Users.TryRemove(member, out _))
                {
                    removed.Add(member);
                }
                return FakeReply.Json(JsonEdit.Edit(FakeVendorServer.Fixture("anthropic_user_delete_response.json"), n => n["id"] = id));
            }
            return null;
        };
        await ReconcileAsync(tenantId, account);
        var inactive = Of(await FindingsAsync(staff, tenantId), "inactive_seat");

        using (var client = await factory.ClientUserAsync(tenantId))
        {
            Assert.That((await client.PostAsync($"/api/tenants/{tenantId}/findings/{inactive.Id()}/reclaim", null)).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden), "staff act on the vendor");
        }
        var reclaimed = await staff.PostAsync($"/api/tenants/{tenantId}/findings/{inactive.Id()}/reclaim", null);
        Assert.That(reclaimed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reclaimed.Content.ReadAsStringAsync());
        Assert.That((await SeatsKit.BodyAsync(reclaimed)).Str("status"), Is.EqualTo("resolved"));

        var seat = await WorkflowKit.SeatOfAsync(staff, tenantId, people["ben"], inactive.Id("subscriptionId"));
        Assert.That(seat.Str("status"), Is.EqualTo("released"));
        await SeatsKit.SweepAsync(factory);
        // Claude makes a removed member's private projects inaccessible: the export before removal is a staff task.
        await Eventually.UntilAsync(async () => (await WorkflowKit.OpenTasksAsync(staff, tenantId)).Any(t => t.Str("action") == "export_data"),
            because: "the export before removal waits on staff");
        await WorkflowKit.ConfirmAsync(staff, tenantId, "export_data");
        await SeatsKit.SweepAsync(factory);
        await Eventually.UntilAsync(() => Task.FromResult(removed.Contains("ben@client.test")),
            because: "the seat_release workflow removes Ben at Anthropic: " + await WorkflowKit.TransferAsync(staff, tenantId, people["ben"], "seat_release"));
        var transfer = await WorkflowKit.TransferAsync(staff, tenantId, people["ben"], "seat_release");
        Assert.That(transfer.Str("status"), Is.Not.EqualTo("needs_attention"), transfer.ToString());

        var again = await staff.PostAsync($"/api/tenants/{tenantId}/findings/{inactive.Id()}/reclaim", null);
        await SeatsKit.AssertProblemAsync(again, HttpStatusCode.Conflict);
        var shadow = Of(await FindingsAsync(staff, tenantId), "shadow_user", "zoe@client.test");
        await SeatsKit.AssertProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/findings/{shadow.Id()}/reclaim", null), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Accept_and_dismiss_need_a_live_finding_and_dismiss_needs_a_reason_and_the_status_survives_the_next_run()
    {
        var (tenantId, _, account, _) = await EstateAsync();
        await ReconcileAsync(tenantId, account);
        var findings = await FindingsAsync(staff, tenantId);
        var shadow = Of(findings, "shadow_user", "zoe@client.test");
        var stale = Of(findings, "stale_invite");
        using var client = await factory.ClientUserAsync(tenantId);

        await SeatsKit.AssertProblemAsync(await client.PostAsJsonAsync($"/api/tenants/{tenantId}/findings/{shadow.Id()}/dismiss", new { reason = " " }),
            HttpStatusCode.BadRequest);
        var dismissed = await client.PostAsJsonAsync($"/api/tenants/{tenantId}/findings/{shadow.Id()}/dismiss", new { reason = "Zoe is our external auditor." });
        Assert.That(dismissed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await dismissed.Content.ReadAsStringAsync());
        var accepted = await client.PostAsJsonAsync($"/api/tenants/{tenantId}/findings/{stale.Id()}/accept", new { note = "We will chase Cat." });
        Assert.That((await SeatsKit.BodyAsync(accepted)).Str("status"), Is.EqualTo("accepted"));
        await SeatsKit.AssertProblemAsync(await client.PostAsJsonAsync($"/api/tenants/{tenantId}/findings/{stale.Id()}/accept", new { }), HttpStatusCode.Conflict);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/findings/{shadow.Id()}/dismiss",
            new { reason = new string('x', 1001) }), HttpStatusCode.BadRequest);

        await ReconcileAsync(tenantId, account);
        Assert.That((await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/findings/{shadow.Id()}")).Str("status"), Is.EqualTo("dismissed"));
        Assert.That((await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/findings/{stale.Id()}")).Str("status"), Is.EqualTo("accepted"));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'finding' AND action IN ('dismissed', 'accepted')"),
            Is.EqualTo(2));
    }

    [Test]
    public async Task A_purchased_quantity_above_the_committed_quantity_is_priced_and_staff_filter_findings_across_tenants()
    {
        await using var graph = await FakeVendorServer.StartAsync();
        const string sku = "c7df2760-2c81-4ef7-b578-5b5392b571df";
        graph.On("POST", "/directory-1/oauth2/v2.0/token", FakeReply.Json("""{"token_type":"Bearer","expires_in":3599,"access_token":"graph-token"}"""));
        graph.On("GET", "/v1.0/subscribedSkus", FakeReply.Json(FakeVendorServer.Fixture("graph_subscribedSkus.json")));
        graph.On("GET", "/v1.0/users", FakeReply.Json(FakeVendorServer.Fixture("graph_users_assignedLicenses.json")));
        graph.On("GET", "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')",
            new FakeReply(200, FakeVendorServer.Fixture("graph_copilotUsageUserDetail_v1.csv"), "text/csv"));
        var tenantId = Guid.NewGuid();
        var sub = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "m365-copilot-annual", quantity: 5, salePrice: 30.00m)).Id();
        var account = await AccountAsync(tenantId, sub, new
        {
            vendorCode = "microsoft", connector = "graph", displayName = "Client M365", baseAddress = graph.BaseAddress.AbsoluteUri,
            settings = new Dictionary<string, string>
            {
                ["directoryTenantId"] = "directory-1", ["clientId"] = "app-1", ["skuId"] = sku, ["authority"] = graph.BaseAddress.AbsoluteUri,
            },
            secret = "graph-secret-value",
        });

        var run = await ReconcileAsync(tenantId, account);
        Assert.That(run.Str("state"), Is.EqualTo("succeeded"), run.ToString());
        var quantity = Of(await FindingsAsync(staff, tenantId), "quantity_mismatch");
        Assert.That(quantity.Str("summary"), Does.Contain("25 seat(s) purchased").And.Contain("committed quantity of 5"));
        Assert.That(quantity.GetProperty("monthlyEffectEur").GetDecimal(), Is.EqualTo(600.00m), "20 seats × 30.00 EUR");

        var across = await SeatsKit.GetItemsAsync(staff, "/api/findings?kind=quantity_mismatch&status=open&vendor=microsoft&limit=50");
        Assert.That(across.EnumerateArray().Select(f => f.Id("tenantId")), Does.Contain(tenantId));
        var mine = await SeatsKit.GetItemsAsync(staff, $"/api/findings?tenantId={tenantId}&limit=50");
        Assert.That(mine.EnumerateArray().All(f => f.Id("tenantId") == tenantId));
        await SeatsKit.AssertProblemAsync(await staff.GetAsync("/api/findings?kind=nonsense"), HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.GetAsync("/api/findings?status=closed"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Recording_a_drifted_setting_opens_a_drift_finding_and_recording_the_baseline_value_closes_it()
    {
        var (tenantId, _, account, _) = await EstateAsync();
        var drifted = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/settings",
            new { settingKey = "training_on_company_data", observedValue = "on", observedOn = Today.ToString("yyyy-MM-dd") });
        Assert.That(drifted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await drifted.Content.ReadAsStringAsync());
        var settings = (await SeatsKit.BodyAsync(drifted)).EnumerateArray().ToList();
        Assert.That(settings.Single(s => s.Str("settingKey") == "training_on_company_data").Str("state"), Is.EqualTo("drifted"));
        var drift = Of(await FindingsAsync(staff, tenantId, "&kind=setting_drift"), "setting_drift");
        Assert.That(drift.Str("summary"), Does.Contain("'on'").And.Contain("'off'"));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'finding' AND entity_id = @id AND action = 'opened'",
            new { id = drift.Id() }), Is.EqualTo(1), "opened outside a run: audited by an entry of its own");
        factory.Clock.Advance(TimeSpan.FromMinutes(30));

        await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/settings",
            new { settingKey = "training_on_company_data", observedValue = "Off" }).ContinueWith(t => t.Result.EnsureSuccessStatusCode());
        Assert.That((await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/findings/{drift.Id()}")).Str("status"), Is.EqualTo("auto_closed"));

        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/settings",
            new { settingKey = "no_such_setting", observedValue = "x" }), HttpStatusCode.UnprocessableEntity);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/settings",
            new { settingKey = "training_on_company_data", observedValue = "off", observedOn = Today.AddDays(3).ToString("yyyy-MM-dd") }), HttpStatusCode.BadRequest);
        var baseline = await staff.PostAsJsonAsync("/api/setting-baselines",
            new { vendorCode = "anthropic", settingKey = "web_search", label = "Web search", expectedValue = "off" });
        Assert.That(baseline.StatusCode, Is.EqualTo(HttpStatusCode.Created), await baseline.Content.ReadAsStringAsync());
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync("/api/setting-baselines",
            new { vendorCode = "anthropic", settingKey = "web_search", label = "Web search", expectedValue = "off" }), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Another_tenants_findings_and_runs_are_not_found_on_every_route()
    {
        var (owner, _, account, _) = await EstateAsync();
        await ReconcileAsync(owner, account);
        var finding = (await FindingsAsync(staff, owner))[0].Id();
        var other = Guid.NewGuid();
        using var stranger = await factory.ClientUserAsync(other);
        using var ownerClient = await factory.ClientUserAsync(owner, "client-viewer");

        foreach (var client in new[] { stranger, staff })
        {
            Assert.That((await client.GetAsync($"/api/tenants/{other}/findings/{finding}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await client.PostAsJsonAsync($"/api/tenants/{other}/findings/{finding}/accept", new { })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await client.PostAsJsonAsync($"/api/tenants/{other}/findings/{finding}/dismiss", new { reason = "x" })).StatusCode,
                Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await SeatsKit.GetItemsAsync(client, $"/api/tenants/{other}/findings")).GetArrayLength(), Is.Zero);
        }
        Assert.That((await staff.PostAsync($"/api/tenants/{other}/findings/{finding}/reclaim", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await staff.PostAsync($"/api/tenants/{other}/vendor-accounts/{account}/reconcile", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await staff.GetAsync($"/api/tenants/{other}/vendor-accounts/{account}/reconciliation-runs")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await staff.GetAsync($"/api/tenants/{other}/vendor-accounts/{account}/settings")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await stranger.GetAsync($"/api/tenants/{owner}/findings")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await stranger.GetAsync($"/api/tenants/{owner}/findings/{finding}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await stranger.GetAsync("/api/findings")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        Assert.That((await FindingsAsync(ownerClient, owner)).Count, Is.GreaterThan(0), "the client reads its own findings");
        Assert.That((await ownerClient.PostAsJsonAsync($"/api/tenants/{owner}/findings/{finding}/accept", new { })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden), "a viewer only reads");
    }

    [Test]
    public async Task A_fresh_install_shows_findings_from_the_demo_member_exports_once_the_job_ran()
    {
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM people WHERE tenant_id = @tenant", new { tenant = LicenceOps.Platform.DemoData.NordwindTenantId }) >= 6,
            TimeSpan.FromSeconds(30), "the demo people reach Seats");
        await LicenceOps.IntegrationTests.Seats.SeatsKit.RunReconciliationJobsAsync(factory);

        var all = (await SeatsKit.GetItemsAsync(staff, "/api/findings?status=open&limit=100")).EnumerateArray().ToList();
        Assert.That(all.Any(f => f.Str("kind") == "shadow_user" && f.GetProperty("memberEmail").GetString() == "marc.dupont@acme-conseil.fr"), Is.True);
        Assert.That(all.Any(f => f.Str("kind") == "wrong_account" && f.GetProperty("memberEmail").GetString() == "felix.wagner.hh@outlook.com"), Is.True);
        Assert.That(all.Any(f => f.Str("kind") == "setting_drift"), Is.True, "the demo's ChatGPT training setting was seen on");
        Assert.That(all.Any(f => f.Str("kind") == "shadow_user" && f.GetProperty("memberEmail").GetString()!.StartsWith("lukas.weber", StringComparison.Ordinal)),
            Is.False, "Lukas holds the Gemini seat his department's template gave him");
        Assert.That(all.Where(f => f.Str("kind") == "shadow_user").All(f => f.GetProperty("monthlyEffectEur").GetDecimal() > 0), Is.True);
        var bought = all.Single(f => f.Str("kind") == "quantity_mismatch" && f.Id("tenantId") == LicenceOps.Platform.DemoData.AcmeTenantId);
        Assert.That(bought.Str("summary"), Does.Contain("22 seat(s) purchased").And.Contain("recorded from the invoice").And.Contain("committed quantity of 20"),
            "the demo's ChatGPT quantity staff copied from the OpenAI invoice");
        Assert.That(bought.GetProperty("monthlyEffectEur").GetDecimal(), Is.EqualTo(55.00m), "2 seats × 27.50 EUR");
        Assert.That(all.Any(f => f.Str("kind") == "quantity_unverified" && f.Id("tenantId") == LicenceOps.Platform.DemoData.NordwindTenantId), Is.True,
            "nobody recorded Nordwind's Gemini quantity");

        // Staff confirm the demo's ChatGPT invitations (the CSV connector's manual step): the next run finds Emma already
        // an active member, activates her seat and, with six weeks without activity, flags it for reclaiming.
        var acme = LicenceOps.Platform.DemoData.AcmeTenantId;
        var tasks = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{acme}/manual-tasks?status=open&limit=100")).EnumerateArray()
            .Where(t => t.Str("action") == "invite").ToList();
        Assert.That(tasks, Is.Not.Empty, "the demo joiners' invitations wait for staff");
        foreach (var task in tasks)
        {
            var confirmed = await staff.PostAsync($"/api/tenants/{acme}/manual-tasks/{task.Id()}/confirm", null);
            Assert.That(confirmed.IsSuccessStatusCode, Is.True, await confirmed.Content.ReadAsStringAsync());
        }
        // The account's job would see it at its next hourly run: staff ask for a run now, as the portal does.
        foreach (var account in (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{acme}/vendor-accounts?limit=50")).EnumerateArray())
        {
            var run = await staff.PostAsync($"/api/tenants/{acme}/vendor-accounts/{account.Id()}/reconcile", null);
            Assert.That(run.IsSuccessStatusCode, Is.True, await run.Content.ReadAsStringAsync());
        }
        var inactive = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{acme}/findings?kind=inactive_seat&status=open")).EnumerateArray().ToList();
        Assert.That(inactive.Select(f => f.GetProperty("memberEmail").GetString()), Does.Contain("emma.leroy@acme-conseil.fr"),
            "Emma's ChatGPT seat has seen no activity for six weeks: the demo's seat to reclaim");
    }
}
