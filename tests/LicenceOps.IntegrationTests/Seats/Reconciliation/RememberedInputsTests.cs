using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// ADR 0052: a comparison keeps its account's inputs in memory as its own writes left them, with the data versions they are
/// exactly as new as, and the next comparison over unchanged records uses them instead of reading Seats' rows. What is kept must
/// be exactly what a read of the rows returns at those versions, after every kind of write a comparison makes; and any other
/// write must send the next comparison back to the rows.
/// </summary>
public sealed partial class ReconciliationConfirmationTests
{
    private RememberedInputs Remembered => factory.Services.GetRequiredService<RememberedInputs>();

    /// <summary>
    /// The inputs kept for the account at the database's current versions, and the same inputs read from the rows now, each as
    /// one canonical text (rows in a fixed order, GUID case ignored as the comparison ignores it); the kept text is null when
    /// nothing is kept at these versions.
    /// </summary>
    private async Task<(string? Kept, string Rows)> KeptAndReadAsync(Estate estate)
    {
        var db = SeatsKit.Db(factory);
        var defaults = factory.Services.GetRequiredService<IOptions<SeatsOptions>>().Value.Reconciliation;
        return await db.ReadSnapshotAsync(async uow =>
        {
            var tenantVersion = await DataVersions.ReadAsync(uow, ReconciliationFingerprint.Scope, estate.Tenant);
            var allTenants = await DataVersions.ReadAsync(uow, ReconciliationFingerprint.Scope, ReconciliationFingerprint.AllTenants);
            var account = (await uow.QueryAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id", new { id = estate.Account })).Single();
            var batch = await ReconciliationInputs.LoadAsync(uow, [account], Today, defaults);
            var rows = Canonical(batch.Accounts[account.Id], batch.Policies[account.TenantId], batch.Baselines.GetValueOrDefault(account.VendorCode) ?? []);
            var kept = Remembered.Find(account.Id, account.TenantId, tenantVersion, allTenants, Today);
            return (kept is null ? null : Canonical(kept.Inputs, kept.Policy, kept.Baselines), rows);
        });
    }

    private static string Canonical(AccountInputs inputs, LicenceOps.Seats.Domain.Reconciliation.TenantPolicy policy, IReadOnlyList<BaselineRow> baselines) =>
        JsonSerializer.Serialize(new
        {
            inputs.Subscriptions,
            Seats = inputs.Seats.OrderBy(s => s.SeatId),
            PendingRemovals = inputs.PendingRemovals.Order(StringComparer.Ordinal),
            OtherTools = inputs.OtherTools.OrderBy(o => o.SeatId),
            inputs.Recorded,
            Observations = inputs.Observations.OrderBy(o => o.SettingKey, StringComparer.Ordinal).ThenByDescending(o => o.ObservedOn),
            Findings = inputs.Findings.OrderBy(f => f.Id),
            Usage = inputs.Usage.SelectMany(s => s.Rows()).OrderBy(u => u.SeatId).Select(u => new { u.SeatId, u.Day, u.Since, u.EarlierActivity, u.AccountId, u.SubscriptionId, u.PersonId, u.LastActiveOn, u.Active, u.ActivityReported, u.SeatSubscriptionId }),
            Policy = new { Domains = policy.Domains.Order(StringComparer.Ordinal), policy.InactiveAfterDays, policy.StaleInviteAfterDays },
            Baselines = baselines.OrderBy(b => b.SettingKey, StringComparer.Ordinal),
        }, new JsonSerializerOptions { WriteIndented = true });

    [Test]
    public async Task What_a_comparison_keeps_in_memory_is_exactly_what_its_rows_hold_after_every_kind_of_write_it_makes()
    {
        var estate = await SettledEstateAsync();
        var (kept, rows) = await KeptAndReadAsync(estate);
        Assert.That(kept, Is.EqualTo(rows), "the first comparison (findings opened, first usage rows) kept its inputs as written");

        // Each step changes only the vendor's reading, so the next comparison is made from memory; after it, what is kept must
        // again be what the rows hold.
        var steps = new (string What, Action Change, int Remembered)[]
        {
            ("a shadow user appears (a finding opened)", () => claude.Users["yan@client.test"] = ("Yan Client", Today), 1),
            ("Ann works today (a usage row written today)", () => claude.Users["ann@client.test"] = ("Ann Client", Today), 1),
            ("Ann's activity moves again the same day (today's row replaced)", () => claude.Users["ann@client.test"] = ("Ann Client", Today.AddDays(-2)), 1),
            ("Zoe leaves the workspace (her shadow-user finding auto-closed)", () => claude.Users.TryRemove("zoe@client.test", out _), 1),
            ("Zoe comes back (the closed finding reopened)", () => claude.Users["zoe@client.test"] = ("Zoe Client", Today), 1),
            ("Ben works again (his inactive seat's finding auto-closed, a usage row)", () => claude.Users["ben@client.test"] = ("Ben Client", Today), 1),
        };
        foreach (var (what, change, expected) in steps)
        {
            change();
            using var preloads = new PreloadCounts();
            var run = await ReconcileAsync(estate);
            Assert.That(run.Str("outcome"), Is.EqualTo("compared"), what);
            Assert.That(preloads.Remembered, Is.EqualTo(expected), $"{what}: the comparison used the inputs the previous one kept");
            (kept, rows) = await KeptAndReadAsync(estate);
            Assert.That(kept, Is.Not.Null, what);
            Assert.That(kept, Is.EqualTo(rows), what);
        }
        Assert.That(await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM findings WHERE tenant_id = @t AND kind = 'shadow_user' AND opened_count = 2 AND status = 'open'", new { t = estate.Tenant }),
            Is.EqualTo(1), "Zoe's finding was reopened, as the steps meant");
    }

    /// <summary>What is kept for the account at the database's current versions, or null.</summary>
    private async Task<RememberedInputs.Entry?> KeptEntryAsync(Estate estate) =>
        await SeatsKit.Db(factory).ReadSnapshotAsync(async uow => Remembered.Find(estate.Account, estate.Tenant,
            await DataVersions.ReadAsync(uow, ReconciliationFingerprint.Scope, estate.Tenant),
            await DataVersions.ReadAsync(uow, ReconciliationFingerprint.Scope, ReconciliationFingerprint.AllTenants), Today));

    private static string EntriesOf(StoredSheet sheet) =>
        string.Join("\n", sheet.Entries.Values.OrderBy(e => e.SeatId).Select(e => e.ToString()));

    [Test]
    public async Task A_comparison_keeps_each_usage_sheet_as_one_object_and_never_changes_the_sheet_it_compared_with()
    {
        // ADR 0090: the usage kept is one object per subscription's sheet. A comparison that writes no sheet keeps the same sheet;
        // one that writes it changes a copy, and the sheet it wrote is what it keeps; the sheet it compared with (which another
        // comparison may hold at that moment) stays exactly as it was.
        var estate = await SettledEstateAsync();
        var first = await KeptEntryAsync(estate);
        Assert.That(first, Is.Not.Null);
        var compared = first!.Inputs.Usage.Single(s => s.SubscriptionId == estate.Subscription);
        var comparedEntries = EntriesOf(compared);

        claude.Users["yan@client.test"] = ("Yan Client", Today);
        Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("compared"), "a shadow user: a finding, no usage written");
        var second = await KeptEntryAsync(estate);
        Assert.That(second!.Inputs.Usage.Single(s => s.SubscriptionId == estate.Subscription), Is.SameAs(compared), "no sheet written: the same sheet kept");

        claude.Users["ann@client.test"] = ("Ann Client", Today);
        using (var preloads = new PreloadCounts())
        {
            Assert.That((await ReconcileAsync(estate)).Str("outcome"), Is.EqualTo("compared"), "Ann works today: her sheet written");
            Assert.That(preloads.Remembered, Is.EqualTo(1), "compared with the sheet kept");
        }
        Assert.That(EntriesOf(compared), Is.EqualTo(comparedEntries), "the sheet compared with is unchanged");
        var third = await KeptEntryAsync(estate);
        var written = third!.Inputs.Usage.Single(s => s.SubscriptionId == estate.Subscription);
        Assert.That(written, Is.Not.SameAs(compared));
        Assert.That((written.Day, written.AccountId), Is.EqualTo((Today, estate.Account)));
        Assert.That(written.Entries[estate.Seats["ann"]].LastActiveOn, Is.EqualTo(Today));
        var (kept, rows) = await KeptAndReadAsync(estate);
        Assert.That(kept, Is.EqualTo(rows), "and what it kept is what its rows hold");
    }

    [Test]
    public async Task A_write_by_anyone_else_sends_the_next_comparison_back_to_the_rows_and_it_concludes_from_them()
    {
        var estate = await SettledEstateAsync();
        // Staff decide on the shadow user (a finding's status, written by an endpoint): the tenant's version moves.
        await DecideAsync(estate, "dismiss", new { reason = "a contractor we keep" });
        Assert.That((await KeptAndReadAsync(estate)).Kept, Is.Null, "nothing is kept at the new version");
        claude.Users["yan@client.test"] = ("Yan Client", Today);
        using (var preloads = new PreloadCounts())
        {
            var run = await ReconcileAsync(estate);
            Assert.That(run.Str("outcome"), Is.EqualTo("compared"));
            Assert.That(preloads.Remembered, Is.Zero, "read from the rows");
        }
        var shadow = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{estate.Tenant}/findings?limit=200")).EnumerateArray()
            .Single(f => f.Str("kind") == "shadow_user" && f.Str("memberEmail") == "zoe@client.test");
        Assert.That(shadow.Str("status"), Is.EqualTo("dismissed"), "the comparison saw the decision: a dismissed finding stays dismissed");
        var (kept, rows) = await KeptAndReadAsync(estate);
        Assert.That(kept, Is.EqualTo(rows), "and kept its inputs again, the decision included");
    }

    [Test]
    public async Task A_change_committed_after_remembered_inputs_were_taken_for_a_comparison_is_not_lost()
    {
        // The run reads the versions with its account and its read-ahead takes the inputs remembered at them (ADR 0071); the
        // tenant's policy changes (through the API) after those versions were read, while the vendor is read: the writer sees the
        // version move and reads the rows, so the new policy (Ben, idle 40 days, no longer inactive at 50) is what the comparison
        // concludes from.
        var estate = await SettledEstateAsync();
        Assert.That(await InactiveFindingAsync(estate, "ben"), Does.StartWith("open|"));
        using var preloads = new PreloadCounts();

        var changed = await ReconcileWhileThePolicyChangesAsync(estate, before: null);

        Assert.That(changed, Is.True, "the change was made while the vendor was read");
        Assert.That((preloads.Remembered, preloads.ReadAgain), Is.EqualTo((1L, 1L)), "taken from memory ahead, then read again in the write");
        Assert.That(await InactiveFindingAsync(estate, "ben"), Does.StartWith("auto_closed|"), "the comparison saw the new policy");
    }

    [Test]
    public async Task A_single_account_run_takes_its_remembered_inputs_with_the_versions_it_read_before_its_vendor()
    {
        // ADR 0071: the run of one account reads the data versions with its account; inputs remembered at exactly them are
        // planned from memory without a snapshot of their own, and the writer, finding the versions unmoved, uses that plan.
        var estate = await SettledEstateAsync();
        var db = SeatsKit.Db(factory);
        claude.Users["yan@client.test"] = ("Yan Client", Today);
        var snapshotQueries = 0;
        db.BeforeSnapshotQuery = _ =>
        {
            Interlocked.Increment(ref snapshotQueries);
            return Task.CompletedTask;
        };
        using var preloads = new PreloadCounts();
        try
        {
            var run = await ReconcileAsync(estate);
            Assert.That(run.Str("outcome"), Is.EqualTo("compared"), run.ToString());
            Assert.That(run.GetProperty("findingsOpened").GetInt32(), Is.EqualTo(1), "Yan is a shadow user");
        }
        finally
        {
            db.BeforeSnapshotQuery = null;
        }
        Assert.That((preloads.Remembered, preloads.Used, preloads.ReadAgain), Is.EqualTo((1L, 1L, 0L)), "read ahead from memory and used");
        Assert.That(snapshotQueries, Is.Zero, "no snapshot read ahead");
        var (kept, rows) = await KeptAndReadAsync(estate);
        Assert.That(kept, Is.EqualTo(rows), "and what it kept is what its rows hold");
    }

    [Test]
    public async Task A_new_host_process_has_nothing_in_memory_and_reads_the_rows()
    {
        var estate = await SettledEstateAsync();
        Remembered.Forget(estate.Account);
        claude.Users["yan@client.test"] = ("Yan Client", Today);
        using var preloads = new PreloadCounts();

        var run = await ReconcileAsync(estate);

        Assert.That(run.Str("outcome"), Is.EqualTo("compared"));
        Assert.That((preloads.Remembered, preloads.Used), Is.EqualTo((0L, 1L)), "read ahead from the rows");
        var (kept, rows) = await KeptAndReadAsync(estate);
        Assert.That(kept, Is.EqualTo(rows));
    }
}
