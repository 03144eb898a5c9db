using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.DataVersions;
using LicenceOps.IntegrationTests.Seats.Vendors;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using LicenceOps.Seats.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// ADR 0036: a run whose vendor reading and stored inputs are unchanged since the last compared run is recorded as
/// "confirmed" without reading Seats' rows, and any change of what a run reads, by any writer, makes the next run compare
/// again. Over the Anthropic connector fake; the outcome is read from the run the API returns, not from timings.
/// </summary>
public sealed partial class ReconciliationConfirmationTests
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

    /// <summary>The estate every case starts from, settled: the last run confirmed the one before.</summary>
    public sealed record Estate(Guid Tenant, Guid Subscription, Guid Account, Dictionary<string, Guid> People, Dictionary<string, Guid> Seats);

    private async Task<Estate> SettledEstateAsync()
    {
        var tenantId = Guid.NewGuid();
        await SeatsKit.PublishAsync(factory, new TenantEmailDomainsChanged(tenantId, ["client.test"], factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM tenant_reconciliation_policies WHERE tenant_id = @tenantId AND email_domains <> ''", new { tenantId }) == 1);
        var people = new Dictionary<string, Guid>();
        foreach (var name in new[] { "ann", "ben", "gil" })
        {
            var personId = Guid.NewGuid();
            await SeatsKit.PublishAsync(factory, new PersonJoined(personId, tenantId, $"{name}@client.test", $"{name} Client", null, new DateOnly(2026, 1, 5),
                factory.Clock.GetUtcNow()));
            await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM people WHERE person_id = @personId", new { personId }) == 1);
            people[name] = personId;
        }
        var sub = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-standard-monthly", quantity: 5, salePrice: 27.50m)).Id();
        var job = await TakeOverJobKit.AppliedAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub}/take-over?apply=true",
            new StringContent("email,status,last active\nann@client.test,active,2026-11-20\nben@client.test,active,2026-11-20\n", Encoding.UTF8, "text/csv"));
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("succeeded"), job.ToString());
        var created = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", new
        {
            vendorCode = "anthropic", connector = "anthropic", displayName = "Client Claude", baseAddress = claude.Server.BaseAddress.AbsoluteUri,
            secret = "sk-ant-admin-test",
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var account = (await SeatsKit.BodyAsync(created)).Id();
        (await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{sub}/vendor-account", new { vendorAccountId = account })).EnsureSuccessStatusCode();

        factory.Clock.Advance(TimeSpan.FromDays(1));
        claude.Users["ann@client.test"] = ("Ann Client", Today.AddDays(-1));
        claude.Users["ben@client.test"] = ("Ben Client", Today.AddDays(-40));
        claude.Users["zoe@client.test"] = ("Zoe Client", Today.AddDays(-1));

        var seats = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats?limit=200")).EnumerateArray()
            .ToDictionary(s => people.Single(p => p.Value == s.Id("personId")).Key, s => s.Id());
        var estate = new Estate(tenantId, sub, account, people, seats);
        var first = await ReconcileAsync(estate);
        Assert.That(first.Str("outcome"), Is.EqualTo("compared"), first.ToString());
        Assert.That(first.GetProperty("findingsOpened").GetInt32(), Is.GreaterThan(0), "shadow user, inactive seat, unverified settings and quantity");
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"), "nothing changed since the first run");
        return estate;
    }

    private async Task<JsonElement> ReconcileAsync(Estate estate)
    {
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var response = await staff.PostAsync($"/api/tenants/{estate.Tenant}/vendor-accounts/{estate.Account}/reconcile", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var run = await SeatsKit.BodyAsync(response);
        Assert.That(run.Str("state"), Is.EqualTo("succeeded"), run.ToString());
        return run;
    }

    // Last seen and its run as the API shows them (the account's last comparison for a finding that follows it, ADR 0055).
    private async Task<string> FindingsSnapshotAsync(Guid tenantId) =>
        string.Join("\n", await SeatsKit.Db(factory).QueryAsync<string>(
            $"SELECT kind || '|' || subject_key || '|' || status || '|' || monthly_effect_cents || '|' || {FindingSightings.LastSeenAtSql} || '|' || " +
            $"COALESCE({FindingSightings.LastRunIdSql}, '') FROM findings WHERE tenant_id = @tenantId ORDER BY kind, subject_key",
            new { tenantId }));

    [Test]
    public async Task An_unchanged_reading_over_unchanged_records_is_confirmed_without_rewriting_anything_and_reports_the_last_comparison()
    {
        var estate = await SettledEstateAsync();
        var compared = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{estate.Tenant}/vendor-accounts/{estate.Account}/reconciliation-runs?limit=10"))
            .EnumerateArray().First(r => r.Str("outcome") == "compared");
        var findings = await FindingsSnapshotAsync(estate.Tenant);
        var usage = await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE vendor_account_id = @a", new { a = estate.Account });

        var run = await ReconcileAsync(estate);

        Assert.That(run.Str("outcome"), Is.EqualTo("confirmed"));
        Assert.That(run.GetProperty("findingsOpened").GetInt32(), Is.Zero);
        Assert.That(run.GetProperty("findingsClosed").GetInt32(), Is.Zero);
        Assert.That(run.GetProperty("findingsUpdated").GetInt32(), Is.EqualTo(compared.GetProperty("findingsOpened").GetInt32() + compared.GetProperty("findingsUpdated").GetInt32()),
            "the findings the comparison left live");
        Assert.That(run.GetProperty("seatsCompared").GetInt32(), Is.EqualTo(2));
        Assert.That(run.GetProperty("membersRead").GetInt32(), Is.EqualTo(3));
        Assert.That(run.GetProperty("usageRows").GetInt32(), Is.EqualTo(2));
        Assert.That(await FindingsSnapshotAsync(estate.Tenant), Is.EqualTo(findings), "no finding touched, not even its last seen");
        Assert.That(await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE vendor_account_id = @a", new { a = estate.Account }), Is.EqualTo(usage));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_id = @id AND action = 'confirmed'", new { id = run.Id("runId") }),
            Is.EqualTo(1), "a run a person asked for is audited, naming who (ADR 0063)");
        var overview = await SeatsKit.GetAsync(staff, $"/api/vendor-accounts/{estate.Account}");
        Assert.That(overview.GetProperty("lastRun").Id("runId"), Is.EqualTo(run.Id("runId")), "the account shows the confirmed run as its last run");
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"), "and stays confirmed");
    }

    /// <summary>
    /// ADR 0063: a scheduled run that changed no finding and no seat is recorded by its run row alone, confirmed or compared; one
    /// that changed a finding is audited, as is every run a person asked for (above) and every failure.
    /// </summary>
    [Test]
    public async Task A_scheduled_run_that_changes_nothing_is_recorded_by_its_run_row_and_one_that_changes_a_finding_is_audited()
    {
        var estate = await SettledEstateAsync();
        async Task<ReconciliationRunResult> ScheduledAsync()
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
            using var scope = factory.Services.CreateScope();
            var run = await scope.ServiceProvider.GetRequiredService<ReconciliationRunner>()
                .RunAsync(estate.Tenant, estate.Account, LicenceOps.Seats.Domain.Reconciliation.RunTriggers.Schedule, CancellationToken.None);
            Assert.That(run?.State, Is.EqualTo("succeeded"), run?.FailureReason);
            return run!;
        }
        Task<long> EntriesAsync(Guid runId) =>
            SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'reconciliation_run' AND entity_id = @runId", new { runId });
        Task<long> RunRowsAsync(Guid runId) => SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE id = @runId", new { runId });

        var confirmed = await ScheduledAsync();
        Assert.That(confirmed.Outcome, Is.EqualTo("confirmed"));
        Assert.That(await RunRowsAsync(confirmed.RunId), Is.EqualTo(1), "the run row records it");
        Assert.That(await EntriesAsync(confirmed.RunId), Is.Zero, "no audit entry for a scheduled confirmation");

        // Without the fingerprint the run compares again and concludes what the last comparison did: nothing changed.
        await SeatsKit.Db(factory).WriteAsync(uow => uow.ExecuteAsync("DELETE FROM reconciliation_fingerprints WHERE vendor_account_id = @a", new { a = estate.Account }));
        var unchanged = await ScheduledAsync();
        Assert.That(unchanged.Outcome, Is.EqualTo("compared"));
        Assert.That((unchanged.FindingsOpened, unchanged.FindingsClosed), Is.EqualTo((0, 0)));
        Assert.That(await EntriesAsync(unchanged.RunId), Is.Zero, "no audit entry for a scheduled comparison that changed nothing");

        // Zoe leaves the vendor's workspace: her shadow-user finding closes, a change the audit log keeps.
        claude.Users.TryRemove("zoe@client.test", out _);
        var closing = await ScheduledAsync();
        Assert.That(closing.FindingsClosed, Is.GreaterThan(0), "the shadow user's finding closed");
        Assert.That(await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'reconciliation_run' AND entity_id = @runId AND action = 'succeeded'", new { runId = closing.RunId }),
            Is.EqualTo(1), "a scheduled run that changed a finding is audited");
    }

    [Test]
    public async Task The_scope_covers_every_table_a_run_reads()
    {
        await DataVersionsKit.AssertScopeCoversAsync(SeatsKit.Db(factory), "reconciliation",
            "subscriptions", "catalogue_plans", "people", "seats", "seat_history", "transfers", "transfer_steps", "seat_usage_sheets",
            "tenant_reconciliation_policies", "purchased_quantity_observations", "setting_baselines", "setting_observations", "findings", "vendor_members");
    }

    /// <summary>Each change that can alter a run's outcome, made the way the product makes it (API, event, vendor, clock, SQL).</summary>
    public static IEnumerable<TestCaseData> Changes()
    {
        TestCaseData Case(string name, Func<ReconciliationConfirmationTests, Estate, Task> change) => new TestCaseData(change).SetArgDisplayNames(name);

        yield return Case("seat assigned through the API", async (t, e) => await SeatsKit.AssignAsync(t.staff, e.Tenant, e.Subscription, e.People["gil"]));
        yield return Case("seat released through the API", async (t, e) =>
        {
            var released = await SeatsKit.TransitionAsync(t.staff, e.Tenant, e.Seats["ann"], "released");
            Assert.That(released.StatusCode, Is.EqualTo(HttpStatusCode.OK), await released.Content.ReadAsStringAsync());
        });
        yield return Case("person leaving (event)", async (t, e) =>
        {
            await SeatsKit.PublishAsync(t.factory, new PersonLeaving(e.People["ben"], e.Tenant, "ben@client.test", t.Today.AddDays(10), t.factory.Clock.GetUtcNow(),
                Version: 5, Status: "leaving"));
            await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(t.factory,
                "SELECT COUNT(*) FROM people WHERE person_id = @id AND end_date IS NOT NULL", new { id = e.People["ben"] }) == 1);
        });
        yield return Case("person moved department (event)", async (t, e) =>
        {
            var department = Guid.NewGuid();
            await SeatsKit.PublishAsync(t.factory, new PersonMovedDepartment(e.People["ann"], e.Tenant, "ann@client.test", null, department, t.Today,
                t.factory.Clock.GetUtcNow(), Version: 5, Status: "active", DisplayName: "ann Client"));
            await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(t.factory,
                "SELECT COUNT(*) FROM people WHERE person_id = @id AND department_id = @department", new { id = e.People["ann"], department }) == 1);
        });
        yield return Case("inactivity policy changed", async (t, e) =>
            (await t.staff.PutAsJsonAsync($"/api/tenants/{e.Tenant}/reconciliation-policy", new { inactiveAfterDays = 50, staleInviteAfterDays = 14 }))
            .EnsureSuccessStatusCode());
        yield return Case("settings observation recorded", async (t, e) =>
            (await t.staff.PostAsJsonAsync($"/api/tenants/{e.Tenant}/vendor-accounts/{e.Account}/settings",
                new { settingKey = "data_retention", observedValue = "company policy" })).EnsureSuccessStatusCode());
        yield return Case("settings baseline added (all tenants)", async (t, _) =>
            (await t.staff.PostAsJsonAsync("/api/setting-baselines",
                new { vendorCode = "anthropic", settingKey = $"k{Guid.NewGuid():N}"[..20], label = "Web search", expectedValue = "off" })).EnsureSuccessStatusCode());
        yield return Case("catalogue price changed by hand (all tenants)", async (t, _) =>
            await SeatsKit.Db(t.factory).WriteAsync(uow => uow.ExecuteAsync(
                "UPDATE catalogue_plans SET list_price = list_price + 1 WHERE code = 'claude-team-standard-monthly'")));
        yield return Case("finding accepted", async (t, e) => await t.DecideAsync(e, "accept", new { note = "We will check." }));
        yield return Case("finding dismissed", async (t, e) => await t.DecideAsync(e, "dismiss", new { reason = "Zoe is our auditor." }));
        yield return Case("purchased quantity recorded", async (t, e) =>
        {
            var recorded = await t.staff.PostAsJsonAsync($"/api/tenants/{e.Tenant}/vendor-accounts/{e.Account}/purchased-quantities",
                new { quantity = 5, source = "invoice" });
            Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.Created), await recorded.Content.ReadAsStringAsync());
        });
        yield return Case("vendor: member added", (t, _) =>
        {
            t.claude.Users["yan@client.test"] = ("Yan Client", t.Today);
            return Task.CompletedTask;
        });
        yield return Case("vendor: activity moved", (t, _) =>
        {
            t.claude.Users["ann@client.test"] = ("Ann Client", t.Today);
            return Task.CompletedTask;
        });
        yield return Case("account connection changed (credential)", async (t, e) =>
            (await t.staff.PutAsJsonAsync($"/api/tenants/{e.Tenant}/vendor-accounts/{e.Account}/credential", new { secret = "sk-ant-admin-rotated" }))
            .EnsureSuccessStatusCode());
        yield return Case("the day a time rule flips (Ann's activity passes the 30-day policy)", (t, _) =>
        {
            // The estate was compared the day after Ann's last activity: it holds through the 29th day after (ADR 0048).
            t.factory.Clock.Advance(TimeSpan.FromDays(30));
            return Task.CompletedTask;
        });
    }

    private async Task DecideAsync(Estate estate, string decision, object body)
    {
        var shadow = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{estate.Tenant}/findings?limit=200")).EnumerateArray()
            .Single(f => f.Str("kind") == "shadow_user");
        var decided = await staff.PostAsJsonAsync($"/api/tenants/{estate.Tenant}/findings/{shadow.Id()}/{decision}", body);
        Assert.That(decided.StatusCode, Is.EqualTo(HttpStatusCode.OK), await decided.Content.ReadAsStringAsync());
    }

    [TestCaseSource(nameof(Changes))]
    public async Task A_change_to_anything_a_run_reads_makes_the_next_run_compare_again(Func<ReconciliationConfirmationTests, Estate, Task> change)
    {
        var estate = await SettledEstateAsync();

        await change(this, estate);

        var run = await ReconcileAsync(estate);
        Assert.That(run.Str("outcome"), Is.EqualTo("compared"), run.ToString());
    }

    [Test]
    public async Task A_reading_change_that_moves_no_finding_still_compares_and_refreshes_the_usage_snapshot()
    {
        // Ben's activity moves but stays beyond the 30-day policy: the comparison concludes the same findings, yet it must run.
        var estate = await SettledEstateAsync();
        var before = await FindingsSnapshotAsync(estate.Tenant);
        claude.Users["ben@client.test"] = ("Ben Client", Today.AddDays(-35));

        var run = await ReconcileAsync(estate);

        Assert.That(run.Str("outcome"), Is.EqualTo("compared"));
        Assert.That(await FindingsSnapshotAsync(estate.Tenant), Is.Not.EqualTo(before), "a comparison moves the findings' last seen");
        Assert.That(await SeatsKit.CountAsync(factory,
                $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE seat_id = @seat AND day = @day AND last_active_on = @last",
                new { seat = estate.Seats["ben"], day = Today, last = Today.AddDays(-35) }),
            Is.EqualTo(1), "today's usage snapshot follows the vendor");
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"), "then settles again");
    }

    [Test]
    public async Task A_deleted_account_takes_its_fingerprint_with_it()
    {
        var estate = await SettledEstateAsync();
        (await staff.PutAsJsonAsync($"/api/tenants/{estate.Tenant}/subscriptions/{estate.Subscription}/vendor-account", new { vendorAccountId = (Guid?)null }))
            .EnsureSuccessStatusCode();
        var deleted = await staff.DeleteAsync($"/api/tenants/{estate.Tenant}/vendor-accounts/{estate.Account}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await deleted.Content.ReadAsStringAsync());
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_fingerprints WHERE vendor_account_id = @a", new { a = estate.Account }),
            Is.Zero);
    }

    /// <summary>A second account of the estate's tenant: Perplexity over a CSV export listing Ann, who also holds a Claude seat.</summary>
    private async Task<Estate> SecondAccountAsync(Estate estate)
    {
        var perplexity = (await SeatsKit.CreateSubscriptionAsync(factory, staff, estate.Tenant, "perplexity-enterprise-pro", quantity: 2, salePrice: 40m)).Id();
        var created = await staff.PostAsJsonAsync($"/api/tenants/{estate.Tenant}/vendor-accounts",
            new { vendorCode = "perplexity", connector = "csv", displayName = "Client Perplexity" });
        var csv = (await SeatsKit.BodyAsync(created)).Id();
        (await staff.PutAsJsonAsync($"/api/tenants/{estate.Tenant}/subscriptions/{perplexity}/vendor-account", new { vendorAccountId = csv })).EnsureSuccessStatusCode();
        (await staff.PostAsync($"/api/tenants/{estate.Tenant}/vendor-accounts/{csv}/member-export?apply=true",
            new StringContent($"email,status,last active\nann@client.test,active,{Today:yyyy-MM-dd}\n", Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        return estate with { Subscription = perplexity, Account = csv };
    }

    /// <summary>Reconciles both accounts in turn, three rounds; the outcomes in order.</summary>
    private async Task<List<string>> RoundsAsync(Estate first, Estate second)
    {
        var outcomes = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            outcomes.Add((await ReconcileAsync(first)).Str("outcome"));
            outcomes.Add((await ReconcileAsync(second)).Str("outcome"));
        }
        return outcomes;
    }

    /// <summary>Two accounts of one tenant: a confirming comparison of one must not keep the other from confirming (findings' last seen is not a change).</summary>
    [Test]
    public async Task Two_accounts_of_one_tenant_both_settle_into_confirmed_runs()
    {
        var estate = await SettledEstateAsync();
        var outcomes = await RoundsAsync(estate, await SecondAccountAsync(estate));

        Assert.That(outcomes.TakeLast(2), Is.All.EqualTo("confirmed"), string.Join(", ", outcomes));
    }

    /// <summary>
    /// Claude's run that writes nothing but Ann's new usage row must move the tenant's version: the Perplexity account's comparison
    /// reads Ann's activity in her other tools from those rows, so it must neither be confirmed nor use the inputs it kept in
    /// memory (ADR 0052).
    /// </summary>
    [Test]
    public async Task Usage_written_by_one_accounts_run_makes_the_other_account_of_the_tenant_compare_again()
    {
        var estate = await SettledEstateAsync();
        var other = await SecondAccountAsync(estate);
        var settled = await RoundsAsync(estate, other);
        Assert.That(settled.TakeLast(2), Is.All.EqualTo("confirmed"), string.Join(", ", settled));

        claude.Users["ann@client.test"] = ("Ann Client", Today);
        var claudeRun = await ReconcileAsync(estate);

        Assert.That(claudeRun.Str("outcome"), Is.EqualTo("compared"));
        Assert.That(await SeatsKit.CountAsync(factory, $"SELECT COUNT(*) FROM {UsageHistoryKit.Rows} WHERE seat_id = @seat AND day = @day AND last_active_on = @day",
            new { seat = estate.Seats["ann"], day = Today }), Is.EqualTo(1), "the run wrote Ann's usage row");
        using var preloads = new PreloadCounts();
        Assert.That((await ReconcileAsync(other)).Str("outcome"), Is.EqualTo("compared"));
        Assert.That(preloads.Remembered, Is.Zero, "the other account's kept inputs predate Ann's new row");
    }

    /// <summary>Counts the runner's preloaded-inputs measurements (ADR 0038) by use while alive.</summary>
    private sealed class PreloadCounts : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> counts = new();

        public PreloadCounts()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == LicenceOps.Seats.Reconciliation.ReconciliationMetrics.Preloads)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "use")
                    {
                        counts.AddOrUpdate((string)tag.Value!, value, (_, old) => old + value);
                    }
                }
            });
            listener.Start();
        }

        public long Used => counts.GetValueOrDefault("used");

        public long ReadAgain => counts.GetValueOrDefault("read_again");

        /// <summary>Comparisons whose inputs were taken from memory, not read (ADR 0052).</summary>
        public long Remembered => counts.GetValueOrDefault("remembered");

        public void Dispose() => listener.Dispose();
    }

    private async Task<string?> InactiveFindingAsync(Estate estate, string person) =>
        (await SeatsKit.Db(factory).QueryAsync<string>(
            "SELECT status || '|' || summary FROM findings WHERE tenant_id = @t AND kind = 'inactive_seat' AND subject_key = @subject",
            new { t = estate.Tenant, subject = $"seat:{estate.Seats[person]}" })).SingleOrDefault();

    [Test]
    public async Task A_comparison_uses_the_inputs_read_outside_the_write_lock_when_nothing_of_the_tenant_changed_since()
    {
        var estate = await SettledEstateAsync();
        // The day Ann's seat turns inactive: the last comparison no longer holds, so the run will compare for sure (ADR 0048).
        factory.Clock.Advance(TimeSpan.FromDays(30));
        claude.Users["yan@client.test"] = ("Yan Client", Today);
        using var preloads = new PreloadCounts();

        var run = await ReconcileAsync(estate);

        Assert.That(run.Str("outcome"), Is.EqualTo("compared"), run.ToString());
        Assert.That(run.GetProperty("findingsOpened").GetInt32(), Is.EqualTo(2), "Yan is a shadow user and Ann's seat is inactive");
        Assert.That((preloads.Used, preloads.ReadAgain), Is.EqualTo((1L, 0L)), "the comparison used the inputs read beside the vendor's reading");
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"), "and stored a fingerprint the next run confirms");
    }

    [Test]
    public async Task A_single_account_run_whose_last_comparison_still_holds_reads_ahead_only_when_its_reading_differs()
    {
        // The per-account jobs read ahead only when the run will compare for sure: versions moved, a time rule flipped (ADR 0048)
        // or, known once the vendor was read, a reading that differs from the last comparison's. Otherwise the run is most
        // likely confirmed and reading its inputs would be wasted.
        var estate = await SettledEstateAsync();
        using (var unchanged = new PreloadCounts())
        {
            Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"));
            Assert.That((unchanged.Used, unchanged.ReadAgain), Is.EqualTo((0L, 0L)), "nothing read ahead for a confirmation");
        }
        claude.Users["yan@client.test"] = ("Yan Client", Today);
        using var preloads = new PreloadCounts();

        var run = await ReconcileAsync(estate);

        Assert.That(run.Str("outcome"), Is.EqualTo("compared"), run.ToString());
        Assert.That(run.GetProperty("findingsOpened").GetInt32(), Is.EqualTo(1), "Yan is a shadow user");
        Assert.That((preloads.Used, preloads.ReadAgain), Is.EqualTo((1L, 0L)), "the changed reading's inputs were read beside it and used");
    }

    /// <summary>
    /// Drops the stored comparisons (so the run compares for sure, and its inputs are read ahead), then reconciles the estate while
    /// the tenant's policy changes through the API (inactive after 50 days instead of 30) right before the read-ahead's first
    /// snapshot query that <paramref name="before"/> matches. True when the change was made.
    /// </summary>
    /// <param name="before">
    /// The read-ahead's query before which the policy changes (inside its snapshot); null: while the vendor is read, after the run
    /// read its account and the data versions, before anything was read ahead (ADR 0071).
    /// </param>
    private async Task<bool> ReconcileWhileThePolicyChangesAsync(Estate estate, Func<string, bool>? before)
    {
        var db = SeatsKit.Db(factory);
        await db.WriteAsync(uow => uow.ExecuteAsync("DELETE FROM reconciliation_fingerprints"));
        var changed = false;
        async Task ChangeAsync()
        {
            changed = true;
            (await staff.PutAsJsonAsync($"/api/tenants/{estate.Tenant}/reconciliation-policy", new { inactiveAfterDays = 50, staleInviteAfterDays = 14 }))
                .EnsureSuccessStatusCode();
        }
        if (before is null)
        {
            // On the fake vendor's thread: the run holds no connection or lock while it reads its vendor.
            claude.WhileUsersAreRead(() =>
            {
                if (!changed)
                {
                    ChangeAsync().GetAwaiter().GetResult();
                }
            });
        }
        else
        {
            db.BeforeSnapshotQuery = async sql =>
            {
                if (!changed && before(sql))
                {
                    await ChangeAsync();
                }
            };
        }
        try
        {
            var run = await ReconcileAsync(estate);
            Assert.That(run.Str("outcome"), Is.EqualTo("compared"), run.ToString());
        }
        finally
        {
            db.BeforeSnapshotQuery = null;
            claude.Repair();
        }
        return changed;
    }

    [Test]
    public async Task A_change_committed_after_the_inputs_were_read_outside_the_write_lock_is_not_lost()
    {
        // The inputs are read under a snapshot; the tenant's policy changes (through the API) after that snapshot was taken and
        // before the write: the comparison must conclude from the new policy (Ben, idle 40 days, is no longer inactive at 50).
        var estate = await SettledEstateAsync();
        Assert.That(await InactiveFindingAsync(estate, "ben"), Does.StartWith("open|"));
        // From the rows, not from what the last comparison kept in memory (ADR 0052, tested in RememberedInputsTests).
        Remembered.Forget(estate.Account);
        using var preloads = new PreloadCounts();

        // The first of the inputs, read after the data versions in the same snapshot.
        var changed = await ReconcileWhileThePolicyChangesAsync(estate, sql => !sql.Contains("data_versions", StringComparison.Ordinal));

        Assert.That(changed, Is.True, "the change was made while the inputs were read");
        Assert.That((preloads.Used, preloads.ReadAgain), Is.EqualTo((0L, 1L)), "the tenant's data version moved: the inputs were read again");
        Assert.That(await InactiveFindingAsync(estate, "ben"), Does.StartWith("auto_closed|"), "the comparison saw the new policy");
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"));
    }

    [Test]
    public async Task New_days_are_confirmed_until_a_time_rule_flips_then_the_run_compares_and_keeps_the_dated_texts()
    {
        var estate = await SettledEstateAsync();
        var evaluatedOn = Today;
        var before = await InactiveFindingAsync(estate, "ben");
        Assert.That(before, Does.StartWith("open|").And.Contain("since 2026-10-15, longer than the tenant's policy of 30 days."), before);
        var usage = await UsageRowsAsync(estate);
        // Ann was last active the day before: her seat counts as used within the 30-day policy through 29 days from now; the
        // other time rules (Ben long inactive, settings and quantity never verified) cannot flip any more.
        Assert.That(await SeatsKit.Db(factory).QuerySingleOrDefaultAsync<string>("SELECT holds_through FROM reconciliation_fingerprints WHERE vendor_account_id = @a",
            new { a = estate.Account }), Is.EqualTo(D(evaluatedOn.AddDays(29))));

        factory.Clock.Advance(TimeSpan.FromDays(1));
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"), "a new day alone changes no conclusion");
        factory.Clock.Advance(TimeSpan.FromDays(28));
        Assert.That(Today, Is.EqualTo(evaluatedOn.AddDays(29)));
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"), "the last day the comparison holds");
        Assert.That(await UsageRowsAsync(estate), Is.EqualTo(usage));

        factory.Clock.Advance(TimeSpan.FromDays(1));
        var run = await ReconcileAsync(estate);

        Assert.That(run.Str("outcome"), Is.EqualTo("compared"), "Ann's activity is now 31 days old");
        Assert.That(run.GetProperty("findingsOpened").GetInt32(), Is.EqualTo(1), "Ann's seat is inactive");
        Assert.That(await InactiveFindingAsync(estate, "ann"), Does.StartWith("open|"));
        Assert.That(await InactiveFindingAsync(estate, "ben"), Is.EqualTo(before), "the text names dates, not a count of days: a new day leaves it as it was");
        Assert.That(await SeatUsageAsync(estate.Seats["ann"]), Has.Count.EqualTo(2), "the day Ann's seat stopped counting as active");
        Assert.That(await SeatUsageAsync(estate.Seats["ben"]), Has.Count.EqualTo(1), "ADR 0044: Ben's values did not change, so no row is written");
        Assert.That(await SeatsKit.Db(factory).QuerySingleOrDefaultAsync<string>("SELECT holds_through FROM reconciliation_fingerprints WHERE vendor_account_id = @a",
            new { a = estate.Account }), Is.EqualTo(D(DateOnly.MaxValue)), "nothing left that time can change");
        factory.Clock.Advance(TimeSpan.FromDays(400));
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"));
    }

    /// <summary>The account's usage rows, one line each: seat, day, last activity, active.</summary>
    private async Task<string> UsageRowsAsync(Estate estate) =>
        string.Join("\n", await SeatsKit.Db(factory).QueryAsync<string>(
            $"""
            SELECT seat_id || '|' || day || '|' || COALESCE(last_active_on, '-') || '|' || active || '|' || activity_reported FROM {UsageHistoryKit.Rows}
            WHERE vendor_account_id = @a ORDER BY seat_id, day
            """, new { a = estate.Account }));

    /// <summary>A seat's usage rows, oldest first, each "day|last activity|active".</summary>
    private async Task<List<string>> SeatUsageAsync(Guid seatId) =>
        (await SeatsKit.Db(factory).QueryAsync<string>(
            $"SELECT day || '|' || COALESCE(last_active_on, '-') || '|' || active FROM {UsageHistoryKit.Rows} WHERE seat_id = @seatId ORDER BY day", new { seatId })).ToList();

    private static string Row(DateOnly day, DateOnly lastActive, bool active) => $"{D(day)}|{D(lastActive)}|{(active ? 1 : 0)}";

    [Test]
    public async Task Usage_is_stored_as_changes_a_row_on_the_first_day_new_values_are_seen_and_the_same_day_replaces_its_row()
    {
        var estate = await SettledEstateAsync();
        var firstDay = Today;
        var ann = await SeatUsageAsync(estate.Seats["ann"]);
        var ben = await SeatUsageAsync(estate.Seats["ben"]);
        Assert.That(ann, Is.EqualTo(new[] { Row(firstDay, firstDay.AddDays(-1), true) }), "one row: the first day these values were seen");

        // Three days on, the vendor says the same: nothing written, whatever the number of runs.
        for (var day = 0; day < 3; day++)
        {
            factory.Clock.Advance(TimeSpan.FromDays(1));
            Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"), "no time rule flips (ADR 0048)");
            await SeatsKit.Db(factory).WriteAsync(uow => uow.ExecuteAsync("DELETE FROM reconciliation_fingerprints"));
            Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("compared"), "made to compare: still nothing to write");
        }
        Assert.That(await SeatUsageAsync(estate.Seats["ann"]), Is.EqualTo(ann));
        Assert.That(await SeatUsageAsync(estate.Seats["ben"]), Is.EqualTo(ben));

        // Ann works today: her seat gets today's row, Ben's does not.
        var changeDay = Today;
        claude.Users["ann@client.test"] = ("Ann Client", changeDay);
        var run = await ReconcileAsync(estate);
        Assert.That(run.Str("outcome"), Is.EqualTo("compared"));
        Assert.That(run.GetProperty("usageRows").GetInt32(), Is.EqualTo(2), "the run observed both seats");
        Assert.That(await SeatUsageAsync(estate.Seats["ann"]), Is.EqualTo(ann.Append(Row(changeDay, changeDay, true))));
        Assert.That(await SeatUsageAsync(estate.Seats["ben"]), Is.EqualTo(ben));

        // Later the same day the vendor says otherwise again: today's row is replaced, not added to.
        claude.Users["ann@client.test"] = ("Ann Client", changeDay.AddDays(-2));
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("compared"));
        Assert.That(await SeatUsageAsync(estate.Seats["ann"]), Is.EqualTo(ann.Append(Row(changeDay, changeDay.AddDays(-2), true))),
            "one row for the day, with the day's last values");

        // The vendor says nothing new, but a value the run derives moves: Ann's seat stops counting as active once her last
        // activity is older than the tenant's 30-day policy, a change of "active", so a row on that day.
        factory.Clock.Advance(TimeSpan.FromDays(29));
        var flipDay = Today;
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("compared"));
        var annNow = await SeatUsageAsync(estate.Seats["ann"]);
        Assert.That(annNow[^1], Is.EqualTo(Row(flipDay, changeDay.AddDays(-2), false)), "the day the seat stopped counting as active");
        Assert.That(annNow, Has.Count.EqualTo(ann.Count + 2));
        Assert.That(await SeatUsageAsync(estate.Seats["ben"]), Is.EqualTo(ben), "Ben's values never changed");
    }

    [Test]
    public async Task An_api_connector_keeps_no_member_rows_and_records_when_its_whole_list_was_last_read()
    {
        // ADR 0049: the vendor is read on every run; what the reading concluded is in the findings, the usage rows and the run's
        // counts. Only the CSV connector's imported export is kept as rows (it is that connector's reading).
        var estate = await SettledEstateAsync();
        var db = SeatsKit.Db(factory);
        async Task<string?> ReadAtAsync() => await db.QuerySingleOrDefaultAsync<string>(
            "SELECT members_read_at FROM vendor_accounts WHERE id = @a", new { a = estate.Account });
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_members WHERE vendor_account_id = @a", new { a = estate.Account }), Is.Zero);
        var readAt = await ReadAtAsync();
        Assert.That(readAt, Is.Not.Null);

        claude.Users["yan@client.test"] = ("Yan Client", Today);
        var compared = await ReconcileAsync(estate);
        Assert.That(compared.Str("outcome"), Is.EqualTo("compared"));
        Assert.That(compared.GetProperty("membersRead").GetInt32(), Is.EqualTo(4));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_members WHERE vendor_account_id = @a", new { a = estate.Account }), Is.Zero);
        var afterCompare = await ReadAtAsync();
        Assert.That(afterCompare, Is.Not.EqualTo(readAt), "a comparison read the whole list");

        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"));
        Assert.That(await ReadAtAsync(), Is.Not.EqualTo(afterCompare), "so did the confirmation");
    }

    [Test]
    public async Task The_seats_read_as_one_json_array_per_row_are_the_seats_read_column_by_column()
    {
        // SQLite's read-ahead reads each seat as one JSON array (ReconciliationInputs.LoadSeatsAsync) straight into the planner's seat;
        // every field must come out as Dapper reads the columns (then made a planner's seat as SQL Server's read makes it), the day of
        // the last invite in Paris and the vendor identity included.
        var estate = await SettledEstateAsync();
        var db = SeatsKit.Db(factory);
        await db.WriteAsync(async uow =>
        {
            await uow.ExecuteAsync("UPDATE seats SET vendor_member_id = 'user_01ann' WHERE id = @id", new { id = estate.Seats["ann"] });
            // Only a seat still invited is read with the instant of its last invite (the planner dates no other seat's invite).
            await uow.ExecuteAsync("UPDATE seats SET status = 'invited' WHERE id = @id", new { id = estate.Seats["ben"] });
            await uow.ExecuteAsync(
                """
                INSERT INTO seat_history (id, seat_id, tenant_id, seq, from_status, to_status, actor_id, actor_display, reason, occurred_at)
                VALUES (@id, @seat, @tenant, 99, 'requested', 'invited', 'test', 'Test', 'a past invite', @at)
                """, new { id = Guid.NewGuid(), seat = estate.Seats["ben"], tenant = estate.Tenant, at = new DateTimeOffset(2026, 10, 2, 22, 30, 15, 123, TimeSpan.Zero) });
        });
        static string Of(IEnumerable<LicenceOps.Seats.Domain.Reconciliation.PlanSeat> rows) => string.Join("\n", rows.OrderBy(r => r.SeatId).Select(r =>
            $"{r.SeatId}|{r.SubscriptionId}|{r.PersonId}|{r.PersonEmail}|{r.PersonName}|{r.Status}|{r.AssignedOn:O}|{r.VendorMemberId ?? "-"}|{r.InvitedOn:O}"));

        var (packed, columns) = await db.WriteAsync(async uow => (
            Of(await LicenceOps.Seats.Reconciliation.ReconciliationInputs.LoadSeatsAsync(uow, [estate.Subscription])),
            Of((await uow.QueryAsync<LicenceOps.Seats.Reconciliation.RunSeatRow>(LicenceOps.Seats.Reconciliation.ReconciliationInputs.SeatsSql,
                new { chunk = new[] { estate.Subscription } })).Select(LicenceOps.Seats.Reconciliation.ReconciliationInputs.ToPlan))));

        Assert.That(packed, Is.EqualTo(columns));
        Assert.That(packed, Does.Contain("|user_01ann|").And.Match(@"\|invited\|[0-9-]+\|-\|2026-10-03(\n|$)"), "22:30 UTC on 2 October is 3 October in Paris");
    }

    [Test]
    public async Task The_findings_read_packed_per_tenant_are_the_findings_read_column_by_column()
    {
        // SQLite's read-ahead reads a tenant's stored findings as one JSON text (ReconciliationInputs.LoadFindingsAsync); every field
        // must come out as Dapper reads the columns: nulls, flags, amounts, and texts JSON has to escape.
        var estate = await SettledEstateAsync();
        var db = SeatsKit.Db(factory);
        await db.WriteAsync(uow => uow.ExecuteAsync(
            """
            UPDATE findings SET summary = @summary, needs_client = 1, monthly_effect_cents = -123456789012
            WHERE id = (SELECT id FROM findings WHERE tenant_id = @tenant AND seat_id IS NOT NULL ORDER BY id LIMIT 1)
            """, new { tenant = estate.Tenant, summary = "Quote \" back\\slash\nnew line\ttab é ✓ 😀 </script>" }));
        static string Of(IEnumerable<LicenceOps.Seats.Reconciliation.ExistingFindingRow> rows) => string.Join("\n", rows.OrderBy(r => r.Id).Select(r =>
            $"{r.Id}|{r.TenantId}|{r.Kind}|{r.SubjectKey}|{r.Status}|{r.VendorAccountId}|{r.VendorName ?? "-"}|{r.SubscriptionId}|{r.SeatId}|{r.PersonId}|" +
            $"{r.MemberEmail ?? "-"}|{r.Summary}|{r.RecommendedAction}|{r.NeedsClient}|{r.MonthlyEffectCents}|{r.EffectBasis}|{r.SeenByAccount}"));
        var kinds = LicenceOps.Seats.Domain.Reconciliation.FindingKinds.All;

        var (packed, columns) = await db.WriteAsync(async uow => (
            Of(await LicenceOps.Seats.Reconciliation.ReconciliationInputs.LoadFindingsAsync(uow, [estate.Tenant, Guid.NewGuid()], kinds)),
            Of(await uow.QueryAsync<LicenceOps.Seats.Reconciliation.ExistingFindingRow>(
                LicenceOps.Seats.Reconciliation.FindingStore.ExistingSelectSql + " WHERE tenant_id IN @tenantIds AND kind IN @kinds",
                new { tenantIds = new[] { estate.Tenant }, kinds }))));

        Assert.That(packed, Is.EqualTo(columns));
        Assert.That(packed.Split('\n').Length, Is.GreaterThan(3), "shadow user, inactive seat, settings: nulls and links of every kind");
        Assert.That(packed, Does.Contain("|-123456789012|").And.Contain("|True|").And.Contain("|-|").And.Contain("back\\slash\nnew line\ttab é ✓ 😀 </script>"));
    }

    [Test]
    public async Task A_history_written_by_real_runs_reads_in_reports_renewals_and_latest_activity_as_the_facts_the_vendor_reported()
    {
        // ADR 0056: usage is one sheet per subscription and day. Over a week of daily runs (a value replaced the same day, a seat
        // coming back to activity, a date the vendor moves back), the readers must give what the rows of ADR 0044 gave for the
        // same facts: the report's activity days are the dates the runs kept, renewals count the seats active on their latest
        // state, and a seat's latest activity is the greatest date of its history.
        var estate = await SettledEstateAsync();
        var kept = new List<(string Seat, DateOnly Day)> { ("ann", Today.AddDays(-1)), ("ben", Today.AddDays(-40)) };
        Assert.That((await RenewalActiveSeatsAsync(estate)), Is.EqualTo(1), "ben's activity is 40 days old");

        for (var day = 1; day <= 6; day++)
        {
            factory.Clock.Advance(TimeSpan.FromDays(1));
            if (day % 2 == 1)
            {
                claude.Users["ann@client.test"] = ("Ann Client", Today);
                kept.Add(("ann", Today));
            }
            if (day == 3)
            {
                claude.Users["ben@client.test"] = ("Ben Client", Today.AddDays(-1));
                kept.Add(("ben", Today.AddDays(-1)));
            }
            if (day == 4)
            {
                // Seen by one run, replaced by the next of the same day: never a day's state, so in no report.
                claude.Users["ben@client.test"] = ("Ben Client", Today);
                Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("compared"));
                claude.Users["ben@client.test"] = ("Ben Client", Today.AddDays(-2));
            }
            if (day == 6)
            {
                // The vendor moves Ann's date back: her state follows it, her latest activity stays the greatest date seen.
                claude.Users["ann@client.test"] = ("Ann Client", Today.AddDays(-4));
                kept.Add(("ann", Today.AddDays(-4)));
            }
            Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.AnyOf("compared", "confirmed"));
        }

        var db = SeatsKit.Db(factory);
        var period = new LicenceOps.Seats.Features.Reports.ReportPeriod(Today.AddMonths(-2), Today);
        var input = await LicenceOps.Seats.Features.Reports.UsageReportData.LoadAsync(db, estate.Tenant, period, Today, CancellationToken.None);
        var expected = kept.Where(k => k.Day >= period.Start && k.Day <= period.End).Distinct().Select(k => $"{k.Seat} {D(k.Day)}").Order().ToList();
        Assert.That(expected, Has.Count.GreaterThanOrEqualTo(6));
        Assert.That(input.Activity.Select(a => $"{estate.Seats.Single(s => s.Value == a.SeatId).Key} {D(a.Day)}").Order().ToList(), Is.EqualTo(expected),
            "every date a day ended with, none replaced the same day");
        Assert.That(await RenewalActiveSeatsAsync(estate), Is.EqualTo(2), "ben is active again");

        var held = estate.Seats.Values.ToHashSet();
        var latest = await db.WriteAsync(async uow =>
            (await LicenceOps.Seats.Reconciliation.ReconciliationInputs.LoadLatestUsageAsync(uow, [estate.Subscription], Today, held)).SelectMany(s => s.Rows()).ToList());
        var ann = latest.Single(u => u.SeatId == estate.Seats["ann"]).Entry();
        Assert.That(ann.LastActiveOn, Is.EqualTo(Today.AddDays(-4)), "her state is the vendor's latest reading");
        Assert.That(ann.LatestActivity, Is.EqualTo(kept.Where(k => k.Seat == "ann").Max(k => k.Day)), "her latest activity is the greatest date kept");
        var ben = latest.Single(u => u.SeatId == estate.Seats["ben"]).Entry();
        Assert.That(ben.LatestActivity, Is.EqualTo(Today.AddDays(-4)), "the date seen and replaced on day 4 counts for nothing");
    }

    private async Task<int> RenewalActiveSeatsAsync(Estate estate) =>
        (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{estate.Tenant}/renewals")).EnumerateArray()
            .Single(r => r.Id("subscriptionId") == estate.Subscription).GetProperty("activeSeats").GetInt32();

    [Test]
    public async Task The_latest_usage_entries_parsed_from_the_sheets_are_the_values_sqlite_reads_from_them()
    {
        // Each held seat's latest state (ReconciliationInputs.LoadLatestUsageAsync parses the subscription's latest sheet itself) is
        // what SQLite's JSON functions read from the same sheet value by value, over a history of several days (ADR 0056).
        var estate = await SettledEstateAsync();
        claude.Users["ben@client.test"] = ("Ben Client", Today);
        factory.Clock.Advance(TimeSpan.FromDays(2));
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("compared"));
        var db = SeatsKit.Db(factory);
        static string Of(IEnumerable<LicenceOps.Seats.Reconciliation.StoredUsageRow> rows) => string.Join("\n", rows.OrderBy(r => r.SeatId).Select(r =>
            $"{r.SeatId}|{r.Day:O}|since {r.Since:O}|{r.EarlierActivity:O}|{r.AccountId}|{r.SubscriptionId}|{r.PersonId}|{r.LastActiveOn:O}|{r.Active}|{r.ActivityReported}|{r.SeatSubscriptionId}"));
        var held = (await db.QueryAsync<Guid>("SELECT id FROM seats WHERE subscription_id = @s AND status <> 'released'", new { s = estate.Subscription }))
            .ToHashSet();

        var (parsed, columns) = await db.WriteAsync(async uow => (
            Of((await LicenceOps.Seats.Reconciliation.ReconciliationInputs.LoadLatestUsageAsync(uow, [estate.Subscription, Guid.NewGuid()], Today, held)).SelectMany(s => s.Rows())),
            Of(await LicenceOps.Seats.Reconciliation.ReconciliationInputs.LoadLatestUsageByColumnAsync(uow, [estate.Subscription], Today))));

        Assert.That(parsed, Is.EqualTo(columns));
        Assert.That(parsed.Split('\n'), Has.Length.EqualTo(2), "ann and ben");
        Assert.That(parsed, Does.Contain($"|since {D(Today)}|").And.Contain($"|since {D(Today.AddDays(-2))}|"),
            "ben's values first seen today, ann's at the first comparison (carried over into today's sheet)");
    }

    [Test]
    public async Task The_read_ahead_stepped_by_position_reads_the_inputs_dapper_reads_by_name()
    {
        // On SQLite the read-ahead's statements are stepped through SQLitePCL and read by position (feat/i11fx, ADR 0087); SQL Server's
        // path reads the same statements through Dapper by column name. Both, over one transaction of the same SQLite file, must read the
        // same inputs for every account of a group: seats with an odd address and name, an invite, a pending removal, another tool,
        // a recorded quantity, an observed setting, findings and usage sheets, and an account of another tenant that has nothing at all.
        var estate = await SettledEstateAsync();
        var db = SeatsKit.Db(factory);
        var other = Guid.NewGuid();
        await db.WriteAsync(async uow =>
        {
            var now = factory.Clock.GetUtcNow();
            await uow.ExecuteAsync("UPDATE people SET email = @email, display_name = @name WHERE person_id = @id",
                new { id = estate.People["ann"], email = "ann.o'brien+\"tag\"@clïent.test", name = "Ann \"Zoë\" O'Brien\\名前 😀" });
            await uow.ExecuteAsync("UPDATE seats SET status = 'invited', vendor_member_id = 'user_01ben' WHERE id = @id", new { id = estate.Seats["ben"] });
            await uow.ExecuteAsync(
                """
                INSERT INTO seat_history (id, seat_id, tenant_id, seq, from_status, to_status, actor_id, actor_display, reason, occurred_at)
                VALUES (@id, @seat, @tenant, 99, 'requested', 'invited', 'test', 'Test', 'a past invite', @at)
                """, new { id = Guid.NewGuid(), seat = estate.Seats["ben"], tenant = estate.Tenant, at = new DateTimeOffset(2026, 10, 2, 22, 30, 15, 123, TimeSpan.Zero) });
            // Ann also holds a seat in another subscription of the tenant (another tool).
            await uow.ExecuteAsync(
                """
                CREATE TEMP TABLE copied_subscription AS SELECT * FROM subscriptions WHERE id = @sub;
                UPDATE copied_subscription SET id = @other, connected_account_id = NULL;
                INSERT INTO subscriptions SELECT * FROM copied_subscription;
                DROP TABLE copied_subscription;
                CREATE TEMP TABLE copied_seat AS SELECT * FROM seats WHERE id = @seat;
                UPDATE copied_seat SET id = @otherSeat, subscription_id = @other;
                INSERT INTO seats SELECT * FROM copied_seat;
                DROP TABLE copied_seat;
                """, new { sub = estate.Subscription, other, seat = estate.Seats["ann"], otherSeat = Guid.NewGuid() });
            var transfer = Guid.NewGuid();
            await uow.ExecuteAsync(
                """
                INSERT INTO transfers (id, tenant_id, person_id, kind, status, dedupe_key, created_at, updated_at)
                VALUES (@transfer, @tenant, @person, 'leaver', 'running', @transfer, @now, @now);
                INSERT INTO transfer_steps (id, transfer_id, tenant_id, lane, step_order, kind, subscription_id, seat_id, status, attempts, next_attempt_at)
                VALUES (@step, @transfer, @tenant, 0, 1, 'revoke_access', @sub, @seat, 'pending', 0, @now);
                INSERT INTO purchased_quantity_observations (id, tenant_id, vendor_account_id, quantity, observed_on, source, recorded_by, recorded_at)
                VALUES (@q, @tenant, @account, 7, '2026-11-30', 'invoice', 'test', @now);
                INSERT INTO setting_observations (id, tenant_id, vendor_account_id, setting_key, observed_value, observed_on, source, recorded_by, recorded_at)
                VALUES (@o, @tenant, @account, 'model_training', 'off "really"', '2026-11-29', 'staff', 'test', @now);
                """, new
                {
                    transfer, step = Guid.NewGuid(), q = Guid.NewGuid(), o = Guid.NewGuid(), tenant = estate.Tenant, person = estate.People["gil"],
                    sub = estate.Subscription, seat = estate.Seats["ben"], account = estate.Account, now,
                });
        });
        var accounts = new[]
        {
            new LicenceOps.Seats.Vendors.Accounts.VendorAccountRow { Id = estate.Account, TenantId = estate.Tenant, VendorCode = "anthropic", Connector = "anthropic" },
            new LicenceOps.Seats.Vendors.Accounts.VendorAccountRow { Id = Guid.NewGuid(), TenantId = Guid.NewGuid(), VendorCode = "openai", Connector = "openai" },
        };
        var defaults = new ReconciliationOptions();

        var (stepped, byName) = await db.WriteAsync(async uow =>
        {
            var sqlServerPath = new UnitOfWork(uow.Connection, uow.Transaction, SqlDialect.SqlServer, uow.Now, uow.Actor);
            return (Normalized(await ReconciliationInputs.LoadAsync(uow, accounts, Today, defaults)),
                Normalized(await ReconciliationInputs.LoadAsync(sqlServerPath, accounts, Today, defaults)));
        });

        Assert.That(stepped, Is.EqualTo(byName));
        var inputs = System.Text.Json.Nodes.JsonNode.Parse(stepped)!["Accounts"]!;
        var mine = inputs[estate.Account.ToString()]!;
        Assert.That((mine["Seats"]!.AsArray().Count, mine["PendingRemovals"]!.AsArray().Count, mine["OtherTools"]!.AsArray().Count,
                mine["Observations"]!.AsArray().Count, mine["Usage"]!.AsArray().Count, (int)mine["UsageEntries"]!, mine["Findings"]!.AsArray().Count > 0,
                mine["Recorded"] is null),
            Is.EqualTo((2, 1, 1, 1, 1, 2, true, false)), stepped + " (usage: one sheet of two entries, ADR 0090)");
        Assert.That(mine["Seats"]!.AsArray().Select(seat => (string?)seat!["PersonEmail"] + "|" + (string?)seat["PersonName"]),
            Does.Contain("ann.o'brien+\"tag\"@clïent.test|Ann \"Zoë\" O'Brien\\名前 😀"), "the odd address and name");
        var nothing = inputs[accounts[1].Id.ToString()]!;
        Assert.That(nothing["Seats"]!.AsArray().Count + nothing["Subscriptions"]!.AsArray().Count + nothing["Findings"]!.AsArray().Count, Is.Zero, "an account with nothing");
        Assert.That(stepped, Does.Contain("2026-10-03"), "the invite's day in Paris");
    }

    [Test]
    public async Task The_runs_first_statement_and_the_standing_read_stepped_by_position_read_what_dappers_multi_maps_read()
    {
        // On SQLite a run's first statement (LoadWithAccountAsync, outside any transaction) and its writer's standing read are stepped
        // through SQLitePCL and read by position (feat/i11wf); SQL Server reads the same texts through Dapper's multi-maps. Both readings of
        // one SQLite file must be equal: an account with its stored comparison, instants written by the handler and by hand, a
        // failed check, an interval, its schedule turned off, and then the same account without its stored comparison (the left join's
        // NULL columns).
        var estate = await SettledEstateAsync();
        var db = SeatsKit.Db(factory);
        await db.WriteAsync(uow => uow.ExecuteAsync(
            """
            UPDATE vendor_accounts SET last_checked_at = @checkedAt, last_check_ok = 0, last_error = 'refused: "no"', last_error_at = '2026-11-30 08:15:00',
                reconcile_every_minutes = 90, scheduled_reconciliation = 0 WHERE id = @id
            """, new { id = estate.Account, checkedAt = new DateTimeOffset(2026, 11, 30, 9, 1, 2, 345, TimeSpan.FromHours(2)).AddTicks(6789) }));
        var options = new JsonSerializerOptions { IncludeFields = true };
        string Json(object? value) => JsonSerializer.Serialize(value, options);

        async Task<(string Stepped, string ByName, ReconciliationFingerprint.Stored? Last)> FirstStatementAsync(Guid? tenant)
        {
            var stepped = await ReconciliationFingerprint.LoadWithAccountAsync(db, tenant, estate.Account, CancellationToken.None);
            var byName = await db.QueryAsync<LicenceOps.Seats.Vendors.Accounts.VendorAccountRow, ReconciliationFingerprint.Versions, ReconciliationFingerprint.Stored?,
                (LicenceOps.Seats.Vendors.Accounts.VendorAccountRow, ReconciliationFingerprint.Stored?, ReconciliationFingerprint.Versions)>(
                ReconciliationFingerprint.WithAccountSql, (account, now, last) => (account, last, now), splitOn: "OfTenant,AccountId",
                new { accountId = estate.Account, tenantId = tenant, scope = ReconciliationFingerprint.Scope, all = ReconciliationFingerprint.AllTenants });
            Assert.That(stepped, Is.Not.Null);
            Assert.That(byName, Has.Count.EqualTo(1));
            var (a, l, v) = stepped!.Value;
            return (Json(new object?[] { a, l, v }), Json(new object?[] { byName[0].Item1, byName[0].Item2, byName[0].Item3 }), l);
        }

        async Task<(string Stepped, string ByName)> StandingAsync() => await db.WriteAsync(async uow =>
        {
            var param = new { ids = new[] { estate.Account, Guid.NewGuid() }, scope = ReconciliationFingerprint.Scope, all = ReconciliationFingerprint.AllTenants };
            var sql = ReconciliationRunner.StandingSql(SqlDialect.Sqlite);
            var stepped = await uow.QueryRowsAsync(sql, param, ReconciliationRunner.ReadStanding);
            var byName = await uow.QueryAsync<ReconciliationRunner.StandingRow, ReconciliationFingerprint.Stored?, (ReconciliationRunner.StandingRow, ReconciliationFingerprint.Stored?)>(
                sql, (account, last) => (account, last), splitOn: "AccountId", param);
            Assert.That(stepped, Has.Count.EqualTo(1), "the unknown id reads nothing");
            return (Json(stepped.Select(r => new object?[] { r.Account, r.Last })), Json(byName.Select(r => new object?[] { r.Item1, r.Item2 })));
        });

        var (stepped, byName, last) = await FirstStatementAsync(estate.Tenant);
        Assert.That(stepped, Is.EqualTo(byName));
        Assert.That(last, Is.Not.Null, "the stored comparison");
        Assert.That(stepped, Does.Contain("\"LastCheckedAt\":\"2026-11-30T07:01:02.3456789+00:00\"").And.Contain("\"LastErrorAt\":\"2026-11-30T08:15:00+00:00\"")
            .And.Contain("\"ReconcileEveryMinutes\":90").And.Contain("\"LastCheckOk\":false").And.Contain("\"ScheduledReconciliation\":false"), stepped);
        Assert.That((await FirstStatementAsync(null)).Stepped, Is.EqualTo(stepped), "the per-account job's read, by the account's id alone");
        Assert.That(await ReconciliationFingerprint.LoadWithAccountAsync(db, Guid.NewGuid(), estate.Account, CancellationToken.None), Is.Null, "another tenant's");
        var standing = await StandingAsync();
        Assert.That(standing.Stepped, Is.EqualTo(standing.ByName));
        Assert.That(standing.Stepped, Does.Contain(last!.Fingerprint));

        await db.WriteAsync(uow => uow.ExecuteAsync("DELETE FROM reconciliation_fingerprints WHERE vendor_account_id = @id", new { id = estate.Account }));
        (stepped, byName, last) = await FirstStatementAsync(estate.Tenant);
        Assert.That(stepped, Is.EqualTo(byName));
        Assert.That(last, Is.Null, "no stored comparison: the left join's columns are NULL");
        standing = await StandingAsync();
        Assert.That(standing.Stepped, Is.EqualTo(standing.ByName));
        Assert.That(standing.Stepped, Does.Contain(",null]"), standing.Stepped);
    }

    /// <summary>A read-ahead batch as JSON, every list in a stable order (the statements' row order is not part of what they read).</summary>
    private static string Normalized(ReconciliationInputs.Batch batch)
    {
        static System.Text.Json.Nodes.JsonNode? Sort(System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonArray array:
                    var items = array.Select(i => Sort(i?.DeepClone())).OrderBy(i => i?.ToJsonString(), StringComparer.Ordinal).ToList();
                    return new System.Text.Json.Nodes.JsonArray(items.ToArray());
                case System.Text.Json.Nodes.JsonObject obj:
                    var sorted = new System.Text.Json.Nodes.JsonObject();
                    foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        sorted[key] = Sort(value?.DeepClone());
                    }
                    return sorted;
                default:
                    return node?.DeepClone();
            }
        }
        return Sort(System.Text.Json.JsonSerializer.SerializeToNode(batch))!.ToJsonString();
    }

    private static string D(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
