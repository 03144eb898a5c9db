using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Vendors;

namespace LicenceOps.UnitTests.Seats;

public class ReconciliationPlannerTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly Guid Account = Guid.NewGuid();
    private static readonly Guid Sub = Guid.NewGuid();
    private static readonly SeatPrice Price = SeatPrice.Of(25.00m, 25m, "USD", "per_seat_month");

    private static PlanSeat Seat(string email, string status = "active", string? name = null, DateOnly? assigned = null, DateOnly? invited = null, string? vendorId = null) =>
        new(Guid.NewGuid(), Sub, Guid.NewGuid(), email, name ?? email.Split('@')[0], status, assigned ?? Today.AddDays(-100), invited, vendorId);

    private static VendorMember Member(string email, string status = "active", int? daysAgo = 1, string? id = null, string? name = null) =>
        new(email, "member", status, daysAgo is { } d ? Today.AddDays(-d) : null, id, name);

    private static ReconciliationInput Input(
        IReadOnlyList<PlanSeat> seats, IReadOnlyList<VendorMember> members, VendorQuantity? quantity = null, bool reportsActivity = true,
        int committed = 10, IReadOnlyList<OtherToolUse>? others = null, string[]? pending = null, string vendor = "openai",
        RecordedQuantityInput? recorded = null) =>
        new(Account, vendor, "ChatGPT (client)", quantity, new VendorMemberList(members, reportsActivity, []),
            [new PlanSubscription(Sub, "ChatGPT Business", committed, Price)], seats, pending ?? [], others ?? [],
            new TenantPolicy(["client.fr"], 30, 14), Today, recorded);

    private static PlannedFinding Single(ReconciliationPlan plan, string kind) => plan.Findings.Single(f => f.Kind == kind);

    [Test]
    public void Everything_in_order_gives_no_finding_and_one_usage_row_per_seat()
    {
        var anna = Seat("anna@client.fr");
        var plan = ReconciliationPlanner.Plan(Input([anna], [Member("anna@client.fr")], new VendorQuantity(10, 1)));
        Assert.That(plan.Findings, Is.Empty);
        Assert.That(plan.Usage.Single(), Is.EqualTo(new UsageSnapshot(anna.SeatId, Sub, anna.PersonId, Today.AddDays(-1), true, true)));
    }

    [Test]
    public void Purchased_quantity_differing_from_the_committed_quantity_is_priced_per_missing_seat()
    {
        var plan = ReconciliationPlanner.Plan(Input([], [], new VendorQuantity(13, 0), committed: 10));
        var f = Single(plan, FindingKinds.QuantityMismatch);
        Assert.That(f.MonthlyEffectCents, Is.EqualTo(7500), "3 seats × 25.00 EUR");
        Assert.That(f.EffectBasis, Does.Contain("25.00 EUR sale price per seat per month").And.Contain("75.00 EUR per month"));
        Assert.That(f.SubjectKey, Is.EqualTo($"account:{Account}"));
        Assert.That(plan.EvaluatedKinds, Does.Contain(FindingKinds.QuantityMismatch));
    }

    [Test]
    public void Without_a_quantity_reading_or_a_recorded_quantity_the_quantity_is_not_evaluated()
    {
        var plan = ReconciliationPlanner.Plan(Input([], [], quantity: null));
        Assert.That(plan.EvaluatedKinds, Does.Not.Contain(FindingKinds.QuantityMismatch).And.Not.Contain(FindingKinds.QuantityUnverified));
    }

    [Test]
    public void A_recorded_quantity_stands_for_the_vendor_figure_when_the_connector_reads_none()
    {
        var recorded = new RecordedQuantityInput(new RecordedQuantity(12, Today.AddDays(-3), "invoice"), 30);
        var plan = ReconciliationPlanner.Plan(Input([], [], quantity: null, committed: 10, recorded: recorded));
        var f = Single(plan, FindingKinds.QuantityMismatch);
        Assert.That(f.Summary, Does.Contain("12 seat(s) purchased on 2026-11-25 (recorded from the invoice)").And.Contain("committed quantity of 10"));
        Assert.That(f.MonthlyEffectCents, Is.EqualTo(5000), "2 seats × 25.00 EUR");
        Assert.That(f.SubjectKey, Is.EqualTo($"account:{Account}"), "the same cause as a connector's reading: one row either way");
        Assert.That(plan.EvaluatedKinds, Does.Contain(FindingKinds.QuantityMismatch).And.Contain(FindingKinds.QuantityUnverified));
    }

    [Test]
    public void A_connector_quantity_wins_over_a_recorded_one()
    {
        var recorded = new RecordedQuantityInput(new RecordedQuantity(99, Today, "console"), 30);
        var plan = ReconciliationPlanner.Plan(Input([], [], new VendorQuantity(10, 0), committed: 10, recorded: recorded));
        Assert.That(plan.Findings, Is.Empty);
    }

    [Test]
    public void A_member_without_a_seat_is_a_shadow_user_that_needs_the_client_and_the_counts_differ()
    {
        var plan = ReconciliationPlanner.Plan(Input([Seat("anna@client.fr")], [Member("anna@client.fr"), Member("Zoe@Client.fr")]));
        var shadow = Single(plan, FindingKinds.ShadowUser);
        Assert.That(shadow.MemberEmail, Is.EqualTo("zoe@client.fr"));
        Assert.That(shadow.SubjectKey, Is.EqualTo($"member:{Account}:zoe@client.fr"));
        Assert.That(shadow.NeedsClient, Is.True);
        Assert.That(shadow.MonthlyEffectCents, Is.EqualTo(2500));
        var count = Single(plan, FindingKinds.MemberCountMismatch);
        Assert.That(count.Summary, Does.Contain("2 member(s)").And.Contain("1 seat(s)"));
        Assert.That(count.MonthlyEffectCents, Is.Zero, "the member-level findings carry the euros, not twice");
    }

    [Test]
    public void A_member_whose_removal_is_under_way_is_no_shadow_user()
    {
        var plan = ReconciliationPlanner.Plan(Input([], [Member("leaver@client.fr")], pending: ["leaver@client.fr"]));
        Assert.That(plan.Findings.Where(f => f.Kind == FindingKinds.ShadowUser), Is.Empty);
    }

    [Test]
    public void A_recorded_seat_the_vendor_does_not_list_is_missing_at_vendor()
    {
        var ben = Seat("ben@client.fr");
        var plan = ReconciliationPlanner.Plan(Input([ben], []));
        var f = Single(plan, FindingKinds.MissingAtVendor);
        Assert.That(f.SeatId, Is.EqualTo(ben.SeatId));
        Assert.That(f.SubjectKey, Is.EqualTo($"seat:{ben.SeatId}"));
        Assert.That(plan.Usage.Single().Active, Is.False);
    }

    [Test]
    public void A_requested_seat_whose_person_the_vendor_already_lists_active_is_activated_and_can_be_inactive()
    {
        var emma = Seat("emma@client.fr", status: "requested");
        var plan = ReconciliationPlanner.Plan(Input([emma], [Member("emma@client.fr", daysAgo: 41)]));
        Assert.That(plan.Activations.Single().SeatId, Is.EqualTo(emma.SeatId));
        Assert.That(Single(plan, FindingKinds.InactiveSeat).SeatId, Is.EqualTo(emma.SeatId));
        Assert.That(plan.Findings.Select(f => f.Kind), Does.Not.Contain(FindingKinds.MemberCountMismatch));
    }

    [Test]
    public void Inactive_seats_and_stale_invites_keep_the_same_finding_text_from_one_day_to_the_next()
    {
        // A text counting days would change every day and make each day's first run rewrite every inactive seat's finding.
        var idle = Seat("ida@client.fr");
        var never = Seat("nils@client.fr", assigned: Today.AddDays(-60));
        var invited = Seat("ines@client.fr", status: "invited", invited: Today.AddDays(-20));
        var members = new[] { Member("ida@client.fr", daysAgo: 45), Member("nils@client.fr", daysAgo: null), Member("ines@client.fr", status: "invited", daysAgo: null) };
        var today = ReconciliationPlanner.Plan(Input([idle, never, invited], members));
        var tomorrow = ReconciliationPlanner.Plan(Input([idle, never, invited], members) with { Today = Today.AddDays(1) });

        var texts = today.Findings.Where(f => f.Kind is FindingKinds.InactiveSeat or FindingKinds.StaleInvite).ToDictionary(f => f.SeatId!.Value, f => f.Summary);
        Assert.That(texts[idle.SeatId], Is.EqualTo("ida has not used ChatGPT Business since 2026-10-14, longer than the tenant's policy of 30 days."));
        Assert.That(texts[never.SeatId], Does.Contain("has never used").And.Contain("assigned on 2026-09-29").And.Contain("policy of 30 days"));
        Assert.That(texts[invited.SeatId], Does.Contain("invited to ChatGPT Business on 2026-11-08").And.Contain("policy of 14 days"));
        Assert.That(tomorrow.Findings.Where(f => f.Kind is FindingKinds.InactiveSeat or FindingKinds.StaleInvite).ToDictionary(f => f.SeatId!.Value, f => f.Summary),
            Is.EqualTo(texts));
    }

    [Test]
    public void A_requested_seat_is_not_expected_at_the_vendor_yet()
    {
        var plan = ReconciliationPlanner.Plan(Input([Seat("new@client.fr", status: "requested")], []));
        Assert.That(plan.Findings, Is.Empty);
    }

    [TestCase("jane.doe@gmail.com", "personal mail provider")]
    [TestCase("jane@other-company.example", "not one of the company's domains")]
    public void A_personal_or_foreign_address_is_a_wrong_account_activation_tied_to_the_expected_seat(string email, string reason)
    {
        var jane = Seat("jane.doe@client.fr", status: "invited", name: "Jane Doe");
        var plan = ReconciliationPlanner.Plan(Input([jane], [Member(email, name: "Jane Doe")]));
        var f = Single(plan, FindingKinds.WrongAccount);
        Assert.That(f.Summary, Does.Contain(reason));
        Assert.That(f.SeatId, Is.EqualTo(jane.SeatId));
        Assert.That(f.ExpectedEmail, Is.EqualTo("jane.doe@client.fr"));
        Assert.That(f.MonthlyEffectCents, Is.EqualTo(2500));
        Assert.That(plan.Findings.Select(x => x.Kind), Does.Not.Contain(FindingKinds.ShadowUser).And.Not.Contain(FindingKinds.MissingAtVendor),
            "one finding per cause");
        Assert.That(plan.Activations, Is.Empty, "a wrong identity never activates the seat");
    }

    [Test]
    public void A_subdomain_of_a_company_domain_is_the_company()
    {
        Assert.That(ReconciliationPlanner.WrongAccountReason("a@fr.client.fr", ["client.fr"]), Is.Null);
        Assert.That(ReconciliationPlanner.WrongAccountReason("a@notclient.fr", ["client.fr"]), Is.Not.Null);
        Assert.That(ReconciliationPlanner.WrongAccountReason("a@outlook.com", []), Is.Not.Null, "personal even when domains are unknown");
    }

    [Test]
    public void The_taken_over_vendor_identity_signing_in_as_another_person_is_a_wrong_account()
    {
        var anna = Seat("anna@client.fr", vendorId: "user-42");
        var plan = ReconciliationPlanner.Plan(Input([anna], [Member("bob@client.fr", id: "user-42")]));
        var f = Single(plan, FindingKinds.WrongAccount);
        Assert.That(f.SeatId, Is.EqualTo(anna.SeatId));
        Assert.That(f.Summary, Does.Contain("user-42"));
    }

    [Test]
    public void An_invited_seat_the_vendor_lists_as_active_with_the_expected_address_is_activated()
    {
        var anna = Seat("anna@client.fr", status: "invited", assigned: Today.AddDays(-60));
        var plan = ReconciliationPlanner.Plan(Input([anna], [Member("ANNA@client.fr", daysAgo: null)]));
        Assert.That(plan.Activations.Single().SeatId, Is.EqualTo(anna.SeatId));
        Assert.That(plan.Findings, Is.Empty, "just activated: not inactive although never used yet");
    }

    [Test]
    public void An_active_seat_without_activity_beyond_the_policy_is_inactive()
    {
        var idle = Seat("idle@client.fr");
        var never = Seat("never@client.fr", assigned: Today.AddDays(-45));
        var fresh = Seat("fresh@client.fr", assigned: Today.AddDays(-5));
        var plan = ReconciliationPlanner.Plan(Input([idle, never, fresh],
            [Member("idle@client.fr", daysAgo: 31), Member("never@client.fr", daysAgo: null), Member("fresh@client.fr", daysAgo: null)]));
        var inactive = plan.Findings.Where(f => f.Kind == FindingKinds.InactiveSeat).ToList();
        Assert.That(inactive.Select(f => f.SeatId), Is.EquivalentTo(new Guid?[] { idle.SeatId, never.SeatId }));
        Assert.That(inactive.All(f => f.MonthlyEffectCents == 2500));
    }

    [Test]
    public void Activity_kinds_are_not_evaluated_when_the_vendor_does_not_report_activity()
    {
        var plan = ReconciliationPlanner.Plan(Input([Seat("idle@client.fr")], [Member("idle@client.fr", daysAgo: null)], reportsActivity: false));
        Assert.That(plan.Findings, Is.Empty);
        Assert.That(plan.EvaluatedKinds, Does.Not.Contain(FindingKinds.InactiveSeat));
        Assert.That(plan.Usage.Single().ActivityReported, Is.False);
    }

    [Test]
    public void An_invite_older_than_the_policy_is_stale()
    {
        var old = Seat("old@client.fr", status: "invited", invited: Today.AddDays(-15));
        var recent = Seat("recent@client.fr", status: "invited", invited: Today.AddDays(-3));
        var plan = ReconciliationPlanner.Plan(Input([old, recent], [Member("old@client.fr", "invited", null), Member("recent@client.fr", "invited", null)]));
        var f = Single(plan, FindingKinds.StaleInvite);
        Assert.That(f.SeatId, Is.EqualTo(old.SeatId));
        Assert.That(f.NeedsClient, Is.True);
    }

    [Test]
    public void A_little_used_tool_next_to_a_used_overlapping_one_is_an_overlap_not_also_inactive()
    {
        var anna = Seat("anna@client.fr");
        var claude = new OtherToolUse(anna.PersonId, Guid.NewGuid(), "anthropic", "Claude Team", Today.AddDays(-2));
        var plan = ReconciliationPlanner.Plan(Input([anna], [Member("anna@client.fr", daysAgo: 40)], others: [claude]));
        var f = Single(plan, FindingKinds.OverlappingTools);
        Assert.That(f.SubjectKey, Is.EqualTo($"person:{anna.PersonId}:{Sub}"));
        Assert.That(f.Summary, Does.Contain("Claude Team"));
        Assert.That(plan.Findings.Where(x => x.Kind == FindingKinds.InactiveSeat), Is.Empty);
    }

    [Test]
    public void Of_several_used_overlapping_tools_the_most_recently_used_one_is_named_and_the_first_listed_among_equals()
    {
        var anna = Seat("anna@client.fr");
        var ben = Seat("ben@client.fr");
        var others = new[]
        {
            new OtherToolUse(anna.PersonId, Guid.NewGuid(), "anthropic", "Claude Team", Today.AddDays(-9)),
            new OtherToolUse(anna.PersonId, Guid.NewGuid(), "google", "Gemini", Today.AddDays(-2)),
            new OtherToolUse(anna.PersonId, Guid.NewGuid(), "perplexity", "Perplexity", Today.AddDays(-2)),
            new OtherToolUse(anna.PersonId, Sub, "anthropic", "Same subscription", Today),
            new OtherToolUse(anna.PersonId, Guid.NewGuid(), "openai", "Same vendor", Today),
            new OtherToolUse(ben.PersonId, Guid.NewGuid(), "anthropic", "Claude Team", Today.AddDays(-20)),
        };
        var plan = ReconciliationPlanner.Plan(Input([anna, ben], [Member("anna@client.fr", daysAgo: 40), Member("ben@client.fr", daysAgo: 40)], others: others));
        var f = Single(plan, FindingKinds.OverlappingTools);
        Assert.That(f.SeatId, Is.EqualTo(anna.SeatId));
        Assert.That(f.Summary, Does.Contain("and Gemini;").And.Contain($"Gemini was used on {Today.AddDays(-2):yyyy-MM-dd}"));
        Assert.That(plan.Findings.Single(x => x.Kind == FindingKinds.InactiveSeat).SeatId, Is.EqualTo(ben.SeatId),
            "ben's other tool was used too long ago to overlap");
    }

    [Test]
    public void An_account_of_an_image_tool_overlaps_nothing()
    {
        var anna = Seat("anna@client.fr");
        var claude = new OtherToolUse(anna.PersonId, Guid.NewGuid(), "anthropic", "Claude Team", Today);
        var plan = ReconciliationPlanner.Plan(Input([anna], [Member("anna@client.fr", daysAgo: 40)], others: [claude], vendor: "midjourney"));
        Assert.That(plan.Findings.Single().Kind, Is.EqualTo(FindingKinds.InactiveSeat));
    }

    [Test]
    public void A_member_listed_twice_under_one_address_counts_once_with_its_best_status()
    {
        var anna = Seat("anna@client.fr", status: "invited", assigned: Today.AddDays(-3));
        var plan = ReconciliationPlanner.Plan(Input([anna],
        [
            Member("Anna@Client.fr", "inactive", daysAgo: 50), Member(" anna@client.fr", "invited", daysAgo: null), Member("ANNA@client.fr", "active", daysAgo: 2),
            Member("anna@client.fr", "active", daysAgo: 7), Member("zoe@client.fr", "invited", null), Member("Zoe@client.fr", "active", daysAgo: 1),
        ]));
        Assert.That(plan.Activations.Single().SeatId, Is.EqualTo(anna.SeatId), "the active listing wins over the inactive and invited ones");
        Assert.That(plan.Usage.Single().LastActiveOn, Is.EqualTo(Today.AddDays(-2)), "the first active listing");
        var shadow = Single(plan, FindingKinds.ShadowUser);
        Assert.That(shadow.MemberEmail, Is.EqualTo("zoe@client.fr"));
        Assert.That(shadow.Summary, Does.Contain("is a active member"), "zoe's active listing wins over her invite");
        Assert.That(Single(plan, FindingKinds.MemberCountMismatch).Summary, Does.Contain("lists 2 member(s)"));
    }

    [Test]
    public void An_image_tool_does_not_overlap_an_assistant()
    {
        var anna = Seat("anna@client.fr");
        var midjourney = new OtherToolUse(anna.PersonId, Guid.NewGuid(), "midjourney", "Midjourney", Today);
        var plan = ReconciliationPlanner.Plan(Input([anna], [Member("anna@client.fr", daysAgo: 20)], others: [midjourney]));
        Assert.That(plan.Findings, Is.Empty);
    }

    [Test]
    public void The_same_reading_plans_the_same_findings_twice()
    {
        var seats = new[] { Seat("anna@client.fr"), Seat("ben@client.fr") };
        var members = new[] { Member("anna@client.fr", daysAgo: 60), Member("x@gmail.com") };
        var first = ReconciliationPlanner.Plan(Input(seats, members, new VendorQuantity(12, 2)));
        var second = ReconciliationPlanner.Plan(Input(seats, members, new VendorQuantity(12, 2)));
        Assert.That(second.Findings, Is.EqualTo(first.Findings));
        Assert.That(first.Findings.Select(f => (f.Kind, f.SubjectKey)).Distinct().Count(), Is.EqualTo(first.Findings.Count));
    }

    [Test]
    public void Each_seat_finding_is_priced_by_its_own_subscription_and_a_member_without_one_by_the_first()
    {
        // The planner works each price's one-seat effect out once per plan (feat/i11pn): findings of two subscriptions at two
        // prices, alternating, must each carry their own.
        var yearlySub = Guid.NewGuid();
        var yearly = SeatPrice.Of(120.00m, 0m, "EUR", "per_seat_year");
        PlanSeat On(Guid sub, string email) => new(Guid.NewGuid(), sub, Guid.NewGuid(), email, email.Split('@')[0], "active", Today.AddDays(-100), null, null);
        var seats = new[] { On(Sub, "anna@client.fr"), On(yearlySub, "ben@client.fr"), On(Sub, "chloe@client.fr"), On(yearlySub, "dan@client.fr") };
        var members = new[] { Member("anna@client.fr", daysAgo: 60), Member("ben@client.fr", daysAgo: 60), Member("eve@client.fr") };
        var input = new ReconciliationInput(Account, "openai", "ChatGPT (client)", null, new VendorMemberList(members, true, []),
            [new PlanSubscription(Sub, "ChatGPT Business", 10, Price), new PlanSubscription(yearlySub, "ChatGPT Enterprise", 10, yearly)],
            seats, [], [], new TenantPolicy(["client.fr"], 30, 14), Today);

        var plan = ReconciliationPlanner.Plan(input);

        var effects = plan.Findings.Where(f => f.SeatId is not null).ToDictionary(f => f.SeatId!.Value, f => (f.Kind, f.MonthlyEffectCents, f.EffectBasis));
        Assert.That(effects[seats[0].SeatId], Is.EqualTo((FindingKinds.InactiveSeat, 2500L, "1 seat(s) × 25.00 EUR sale price per seat per month = 25.00 EUR per month")));
        Assert.That(effects[seats[1].SeatId], Is.EqualTo((FindingKinds.InactiveSeat, 1000L, "1 seat(s) × 120.00 EUR sale price per seat per year ÷ 12 = 10.00 EUR per month")));
        Assert.That(effects[seats[2].SeatId], Is.EqualTo((FindingKinds.MissingAtVendor, 2500L, "1 seat(s) × 25.00 EUR sale price per seat per month = 25.00 EUR per month")));
        Assert.That(effects[seats[3].SeatId], Is.EqualTo((FindingKinds.MissingAtVendor, 1000L, "1 seat(s) × 120.00 EUR sale price per seat per year ÷ 12 = 10.00 EUR per month")));
        Assert.That(Single(plan, FindingKinds.ShadowUser).MonthlyEffectCents, Is.EqualTo(2500), "a member without a seat: the first subscription's price");
    }

    [Test]
    public void Effects_round_to_the_cent_and_yearly_prices_are_divided_by_twelve()
    {
        var yearly = SeatPrice.Of(100.00m, 0m, "EUR", "per_seat_year");
        Assert.That(yearly.Times(1).Cents, Is.EqualTo(833), "8.333… → 8.33");
        Assert.That(yearly.Times(2).Cents, Is.EqualTo(1667), "16.666… → 16.67");
        var usdOnly = SeatPrice.Of(null, 30m, "USD", "per_seat_month");
        Assert.That(usdOnly.Times(3).Cents, Is.Zero);
        Assert.That(usdOnly.Times(3).Basis, Does.Contain("not computed"));
        Assert.That(SeatPrice.Of(null, 21.5m, "EUR", "per_seat_month").Times(2).Cents, Is.EqualTo(4300));
    }
}

public class FindingMergeTests
{
    private static readonly Guid Account = Guid.NewGuid();

    private static PlannedFinding Planned(string kind, string subject) =>
        new(kind, subject, null, null, null, null, "s", "a", false, 100, "b");

    [Test]
    public void New_causes_open_known_ones_refresh_and_vanished_ones_close()
    {
        var existing = new[]
        {
            new ExistingFinding(Guid.NewGuid(), FindingKinds.ShadowUser, "m1", FindingStatuses.Open, Account),
            new ExistingFinding(Guid.NewGuid(), FindingKinds.ShadowUser, "m2", FindingStatuses.Dismissed, Account),
            new ExistingFinding(Guid.NewGuid(), FindingKinds.ShadowUser, "m3", FindingStatuses.AutoClosed, Account),
        };
        var changes = FindingMerge.Merge(existing,
            [Planned(FindingKinds.ShadowUser, "m1"), Planned(FindingKinds.ShadowUser, "m3"), Planned(FindingKinds.ShadowUser, "m4")],
            FindingKinds.FromMembers, Account);
        Assert.That(changes.Select(c => (c.Kind, c.Planned?.SubjectKey ?? c.Existing!.SubjectKey)), Is.EquivalentTo(new[]
        {
            (FindingChangeKind.Refresh, "m1"), (FindingChangeKind.Reopen, "m3"), (FindingChangeKind.Open, "m4"), (FindingChangeKind.AutoClose, "m2"),
        }));
    }

    [Test]
    public void Findings_of_kinds_not_evaluated_or_of_another_account_never_close()
    {
        var existing = new[]
        {
            new ExistingFinding(Guid.NewGuid(), FindingKinds.InactiveSeat, "seat:1", FindingStatuses.Open, Account),
            new ExistingFinding(Guid.NewGuid(), FindingKinds.ShadowUser, "m9", FindingStatuses.Open, Guid.NewGuid()),
        };
        Assert.That(FindingMerge.Merge(existing, [], FindingKinds.FromMembers, Account), Is.Empty);
    }

    [Test]
    public void A_planned_cause_listed_twice_changes_one_row()
    {
        var changes = FindingMerge.Merge([], [Planned(FindingKinds.ShadowUser, "m1"), Planned(FindingKinds.ShadowUser, "m1")], FindingKinds.FromMembers, Account);
        Assert.That(changes, Has.Count.EqualTo(1));
    }
}

public class SettingsWatchTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly SettingBaseline Training = new("training_on_company_data", "Model training on company data", "off");

    [Test]
    public void A_drifted_value_a_stale_check_and_a_never_checked_setting_are_findings_and_a_recent_match_is_not()
    {
        var account = Guid.NewGuid();
        Assert.That(SettingsWatch.Plan(account, "ChatGPT", null, [Training], [new("training_on_company_data", " OFF ", Today.AddDays(-3))], Today), Is.Empty);
        Assert.That(SettingsWatch.Plan(account, "ChatGPT", null, [Training], [new("training_on_company_data", "on", Today)], Today).Single().Kind,
            Is.EqualTo(FindingKinds.SettingDrift));
        Assert.That(SettingsWatch.Plan(account, "ChatGPT", null, [Training], [new("training_on_company_data", "off", Today.AddDays(-31))], Today).Single().Kind,
            Is.EqualTo(FindingKinds.SettingUnverified));
        var never = SettingsWatch.Plan(account, "ChatGPT", null, [Training], [], Today).Single();
        Assert.That(never.Kind, Is.EqualTo(FindingKinds.SettingUnverified));
        Assert.That(never.SubjectKey, Is.EqualTo($"setting:{account}:training_on_company_data"));
    }

    [Test]
    public void The_latest_observation_decides()
    {
        var plan = SettingsWatch.Plan(Guid.NewGuid(), "ChatGPT", null, [Training],
            [new("training_on_company_data", "on", Today.AddDays(-10)), new("training_on_company_data", "off", Today.AddDays(-1))], Today);
        Assert.That(plan, Is.Empty);
    }
}
