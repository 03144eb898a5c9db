using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats.Vendors;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// ADR 0055: a finding seen again unchanged by a comparison is not written; the API shows its account's last comparison as its last
/// seen. What a user reads must mean what it meant: the last compared run that saw the cause (never a confirmed one, ADR 0036), and
/// for a finding no longer seen, the last comparison that did see it.
/// </summary>
public sealed partial class ReconciliationConfirmationTests
{
    private async Task<List<JsonElement>> ListedFindingsAsync(Estate estate) =>
        (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{estate.Tenant}/findings?limit=200")).EnumerateArray().ToList();

    /// <summary>Each finding's stored row as its last write left it: a finding not written keeps its updated_at and own columns.</summary>
    private async Task<string> FindingWritesAsync(Guid tenantId) =>
        string.Join("\n", await SeatsKit.Db(factory).QueryAsync<string>(
            "SELECT id || '|' || status || '|' || updated_at || '|' || last_seen_at || '|' || COALESCE(last_run_id, '') FROM findings WHERE tenant_id = @tenantId ORDER BY id",
            new { tenantId }));

    private static (DateTimeOffset At, Guid? Run) LastSeen(JsonElement finding) =>
        (finding.GetProperty("lastSeenAt").GetDateTimeOffset(),
            finding.GetProperty("lastRunId").ValueKind == JsonValueKind.Null ? null : finding.GetProperty("lastRunId").GetGuid());

    private static (DateTimeOffset At, Guid? Run) Of(JsonElement run) => (run.GetProperty("finishedAt").GetDateTimeOffset(), run.GetProperty("runId").GetGuid());

    /// <summary>A comparison that concludes the same findings with the same texts: Ann's activity moves, within the 30-day policy.</summary>
    private async Task<JsonElement> CompareAgainAsync(Estate estate, int annDaysAgo)
    {
        claude.Users["ann@client.test"] = ("Ann Client", Today.AddDays(-annDaysAgo));
        var run = await ReconcileAsync(estate);
        Assert.That(run.Str("outcome"), Is.EqualTo("compared"), run.ToString());
        return run;
    }

    private static bool IsLive(JsonElement finding) => finding.Str("status") is "open" or "accepted" or "dismissed";

    [Test]
    public async Task A_finding_seen_again_shows_the_last_comparison_without_a_write_of_its_own_and_a_confirmed_run_moves_nothing()
    {
        var estate = await SettledEstateAsync();
        var written = await FindingWritesAsync(estate.Tenant);

        var second = await CompareAgainAsync(estate, annDaysAgo: 0);

        Assert.That(second.GetProperty("findingsOpened").GetInt32() + second.GetProperty("findingsClosed").GetInt32(), Is.Zero, second.ToString());
        Assert.That(await FindingWritesAsync(estate.Tenant), Is.EqualTo(written), "no finding row written by the second comparison");
        var listed = await ListedFindingsAsync(estate);
        Assert.That(listed.Count(IsLive), Is.GreaterThan(3), "shadow user, inactive seat, settings, quantity");
        Assert.That(listed.Where(IsLive).Select(LastSeen), Is.All.EqualTo(Of(second)), "every live finding was seen by the second comparison");
        var one = await SeatsKit.BodyAsync(await staff.GetAsync($"/api/tenants/{estate.Tenant}/findings/{listed.First(IsLive).Id()}"));
        Assert.That(LastSeen(one), Is.EqualTo(Of(second)), "one finding read alone shows the same");

        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("confirmed"));
        Assert.That((await ListedFindingsAsync(estate)).Where(IsLive).Select(LastSeen), Is.All.EqualTo(Of(second)),
            "a confirmed run compared nothing: last seen stays the last comparison's (ADR 0036)");
    }

    [Test]
    public async Task A_finding_whose_cause_goes_keeps_the_last_comparison_that_saw_it_while_the_others_follow_the_next()
    {
        var estate = await SettledEstateAsync();
        var second = await CompareAgainAsync(estate, annDaysAgo: 0);

        claude.Users.TryRemove("zoe@client.test", out _);
        var third = await ReconcileAsync(estate);
        Assert.That(third.GetProperty("findingsClosed").GetInt32(), Is.GreaterThan(0), third.ToString());
        var fourth = await CompareAgainAsync(estate, annDaysAgo: 2);

        var listed = await ListedFindingsAsync(estate);
        var closed = listed.Where(f => f.Str("status") == "auto_closed").ToList();
        Assert.That(closed.Select(f => f.Str("kind")), Does.Contain("shadow_user"));
        Assert.That(closed.Select(LastSeen), Is.All.EqualTo(Of(second)), "auto-closed by the third run: last seen by the second");
        Assert.That(listed.Where(IsLive).Select(LastSeen), Is.All.EqualTo(Of(fourth)));
    }

    [Test]
    public async Task A_dismissed_finding_stays_seen_while_its_cause_lasts_and_keeps_the_last_comparison_that_saw_it_once_gone()
    {
        var estate = await SettledEstateAsync();
        await DecideAsync(estate, "dismiss", new { reason = "Zoe is our auditor." });
        var written = await FindingWritesAsync(estate.Tenant);

        var second = await ReconcileAsync(estate);
        Assert.That(second.Str("outcome"), Is.EqualTo("compared"), "a status set by hand is an input");
        Assert.That(await FindingWritesAsync(estate.Tenant), Is.EqualTo(written), "the dismissed finding, seen again, is not written either");
        var shadow = (await ListedFindingsAsync(estate)).Single(f => f.Str("kind") == "shadow_user");
        Assert.That((shadow.Str("status"), LastSeen(shadow)), Is.EqualTo(("dismissed", Of(second))));

        claude.Users.TryRemove("zoe@client.test", out _);
        var third = await ReconcileAsync(estate);

        shadow = (await ListedFindingsAsync(estate)).Single(f => f.Str("kind") == "shadow_user");
        Assert.That(shadow.Str("status"), Is.EqualTo("auto_closed"), third.ToString());
        Assert.That(LastSeen(shadow), Is.EqualTo(Of(second)));
    }

    [Test]
    public async Task Deleting_the_account_closes_its_findings_at_the_last_comparison_that_saw_them()
    {
        var estate = await SettledEstateAsync();
        var second = await CompareAgainAsync(estate, annDaysAgo: 0);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));

        (await staff.PutAsJsonAsync($"/api/tenants/{estate.Tenant}/subscriptions/{estate.Subscription}/vendor-account", new { vendorAccountId = (Guid?)null }))
            .EnsureSuccessStatusCode();
        var deleted = await staff.DeleteAsync($"/api/tenants/{estate.Tenant}/vendor-accounts/{estate.Account}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await deleted.Content.ReadAsStringAsync());

        var closed = (await ListedFindingsAsync(estate)).Where(f => f.Str("statusReason")?.Contains("was deleted", StringComparison.Ordinal) == true).ToList();
        Assert.That(closed, Has.Count.GreaterThan(3));
        Assert.That(closed.Select(LastSeen), Is.All.EqualTo(Of(second)), "kept on the findings before the account row went");
    }

    [Test]
    public async Task An_observation_recorded_outside_a_run_sees_its_findings_then_the_next_comparison_takes_them_back()
    {
        var estate = await SettledEstateAsync();
        var second = await CompareAgainAsync(estate, annDaysAgo: 0);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var recordedAt = factory.Clock.GetUtcNow();

        // Recording a setting evaluates the settings findings outside a run: they take its time and no run; the others keep theirs.
        (await staff.PostAsJsonAsync($"/api/tenants/{estate.Tenant}/vendor-accounts/{estate.Account}/settings",
            new { settingKey = "data_retention", observedValue = "company policy" })).EnsureSuccessStatusCode();
        var listed = (await ListedFindingsAsync(estate)).Where(IsLive).ToList();
        var settings = listed.Where(f => f.Str("kind") is "setting_drift" or "setting_unverified").ToList();
        Assert.That(settings, Is.Not.Empty);
        Assert.That(settings.Select(LastSeen), Is.All.EqualTo((recordedAt, (Guid?)null)));
        Assert.That(listed.Where(f => f.Str("kind") is not ("setting_drift" or "setting_unverified")).Select(LastSeen), Is.All.EqualTo(Of(second)), "the other findings were not seen by the recording");

        var third = await CompareAgainAsync(estate, annDaysAgo: 2);
        Assert.That((await ListedFindingsAsync(estate)).Where(IsLive).Select(LastSeen), Is.All.EqualTo(Of(third)));
    }

    [Test]
    public async Task A_live_finding_whose_kind_a_comparison_cannot_evaluate_keeps_the_last_comparison_that_did()
    {
        var estate = await SettledEstateAsync();
        var second = await CompareAgainAsync(estate, annDaysAgo: 0);

        // Per-user activity becomes unavailable (not an Enterprise organisation any more): the next reading cannot see activity, so
        // Ben's inactive-seat finding is neither seen nor closed by it, and must not seem seen by it.
        claude.Server.On("GET", "/v1/organizations/analytics/users", _ => FakeReply.Code(404));
        var third = await ReconcileAsync(estate);
        Assert.That(third.Str("outcome"), Is.EqualTo("compared"), third.ToString());

        var live = (await ListedFindingsAsync(estate)).Where(IsLive).ToList();
        var inactive = live.Single(f => f.Str("kind") == "inactive_seat");
        Assert.That(LastSeen(inactive), Is.EqualTo(Of(second)), "last evaluated by the second comparison");
        Assert.That(live.Where(f => f.Str("kind") != "inactive_seat").Select(LastSeen), Is.All.EqualTo(Of(third)));
    }
}
