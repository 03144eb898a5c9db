using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Vendors;

namespace LicenceOps.UnitTests.Seats;

/// <summary>
/// ADR 0048: a comparison's conclusions hold, for unchanged inputs, through the day before its first time rule flips. A
/// horizon too late would let runs confirm stale conclusions, so every plan is replayed on each day up to its horizon.
/// </summary>
public class TimeHorizonTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly Guid Account = Guid.NewGuid();
    private static readonly Guid Sub = Guid.NewGuid();
    private static readonly SeatPrice Price = SeatPrice.Of(25.00m, 25m, "USD", "per_seat_month");

    private static ReconciliationInput Input(
        IReadOnlyList<PlanSeat> seats, IReadOnlyList<VendorMember> members, IReadOnlyList<OtherToolUse>? others = null, int inactiveAfter = 30,
        int staleInviteAfter = 14, RecordedQuantityInput? recorded = null, bool reportsActivity = true) =>
        new(Account, "openai", "ChatGPT (client)", null, new VendorMemberList(members, reportsActivity, []),
            [new PlanSubscription(Sub, "ChatGPT Business", 10, Price)], seats, [], others ?? [],
            new TenantPolicy(["client.fr"], inactiveAfter, staleInviteAfter), Today, recorded);

    private static PlanSeat Seat(string email, string status = "active", DateOnly? invited = null, Guid? person = null) =>
        new(Guid.NewGuid(), Sub, person ?? Guid.NewGuid(), email, email.Split('@')[0], status, Today.AddDays(-100), invited, null);

    private static VendorMember Member(string email, int? daysAgo, string status = "active") =>
        new(email, "member", status, daysAgo is { } d ? Today.AddDays(-d) : null, null, null);

    /// <summary>Everything a plan concludes, as one comparable text.</summary>
    private static string Conclusions(ReconciliationPlan plan) => string.Join("\n",
        plan.Findings.Select(f => f.ToString()).Concat(plan.Usage.Select(u => u.ToString())).Concat(plan.Activations.Select(a => a.ToString()))
            .Concat(plan.EvaluatedKinds));

    private static ReconciliationPlan PlanOn(ReconciliationInput input, DateOnly day) => ReconciliationPlanner.Plan(input with { Today = day });

    [Test]
    public void Recent_activity_holds_until_it_passes_the_inactivity_policy()
    {
        var input = Input([Seat("anna@client.fr")], [Member("anna@client.fr", daysAgo: 10)]);

        var plan = ReconciliationPlanner.Plan(input);

        Assert.That(plan.HoldsThrough, Is.EqualTo(Today.AddDays(30 - 10)), "no overlapping tool: only the inactivity policy counts");
        Assert.That(Conclusions(PlanOn(input, plan.HoldsThrough)), Is.EqualTo(Conclusions(plan)));
        Assert.That(Conclusions(PlanOn(input, plan.HoldsThrough.AddDays(1))), Is.Not.EqualTo(Conclusions(plan)), "the day after, the seat is idle too long");
    }

    [Test]
    public void An_active_seat_s_usage_flag_flips_the_day_after_its_activity_passes_the_policy()
    {
        var input = Input([Seat("anna@client.fr")], [Member("anna@client.fr", daysAgo: 20)]);

        var plan = ReconciliationPlanner.Plan(input);

        Assert.That(plan.HoldsThrough, Is.EqualTo(Today.AddDays(30 - 20)));
        Assert.That(plan.Usage.Single().Active, Is.True);
        var next = PlanOn(input, plan.HoldsThrough.AddDays(1));
        Assert.That(next.Usage.Single().Active, Is.False, "31 days idle: no longer used within the policy");
        Assert.That(next.Findings.Single().Kind, Is.EqualTo(FindingKinds.InactiveSeat));
    }

    [Test]
    public void An_invite_holds_until_it_grows_stale()
    {
        var input = Input([Seat("ben@client.fr", status: "invited", invited: Today.AddDays(-3))], [Member("ben@client.fr", null, "invited")]);

        var plan = ReconciliationPlanner.Plan(input);

        Assert.That(plan.HoldsThrough, Is.EqualTo(Today.AddDays(14 - 3)));
        Assert.That(plan.Findings, Is.Empty);
        Assert.That(PlanOn(input, plan.HoldsThrough.AddDays(1)).Findings.Single().Kind, Is.EqualTo(FindingKinds.StaleInvite));
    }

    [Test]
    public void An_overlapping_tool_s_use_holds_until_it_is_older_than_the_overlap_window()
    {
        var person = Guid.NewGuid();
        var input = Input([Seat("carl@client.fr", person: person)], [Member("carl@client.fr", daysAgo: 25)],
            others: [new OtherToolUse(person, Guid.NewGuid(), "anthropic", "Claude Team", Today.AddDays(-5))], inactiveAfter: 20);

        var plan = ReconciliationPlanner.Plan(input);

        Assert.That(plan.Findings.Single().Kind, Is.EqualTo(FindingKinds.OverlappingTools));
        Assert.That(plan.HoldsThrough, Is.EqualTo(Today.AddDays(14 - 5)), "Claude's use leaves the 14-day window first");
        Assert.That(PlanOn(input, plan.HoldsThrough.AddDays(1)).Findings.Single().Kind, Is.EqualTo(FindingKinds.InactiveSeat),
            "still idle beyond 14 days but no longer next to a used tool: the seat is merely inactive");
    }

    [Test]
    public void A_recorded_quantity_holds_until_it_grows_unverified()
    {
        var recorded = new RecordedQuantityInput(new RecordedQuantity(10, Today.AddDays(-3), "invoice"), 30);
        var input = Input([], [], recorded: recorded);

        var plan = ReconciliationPlanner.Plan(input);

        Assert.That(plan.HoldsThrough, Is.EqualTo(Today.AddDays(30 - 3)));
        Assert.That(plan.Findings, Is.Empty);
        Assert.That(PlanOn(input, plan.HoldsThrough.AddDays(1)).Findings.Single().Kind, Is.EqualTo(FindingKinds.QuantityUnverified));
    }

    [Test]
    public void A_verified_setting_holds_until_its_verification_grows_old_and_a_drifted_or_unverified_one_never_flips()
    {
        var training = new SettingBaseline("training", "Model training on company data", "off");
        var retention = new SettingBaseline("retention", "Data retention", "30 days");
        var sso = new SettingBaseline("sso", "Single sign-on", "on");
        SettingObservation[] observed = [new("training", "off", Today.AddDays(-10)), new("retention", "forever", Today.AddDays(-2))];
        var horizon = new TimeHorizon(Today);

        var findings = SettingsWatch.Plan(Account, "ChatGPT", Sub, [training, retention, sso], observed, Today, horizon);

        Assert.That(findings.Select(f => f.Kind), Is.EqualTo(new[] { FindingKinds.SettingDrift, FindingKinds.SettingUnverified }));
        Assert.That(horizon.HoldsThrough, Is.EqualTo(Today.AddDays(SettingsWatch.UnverifiedAfterDays - 10)));
        var later = SettingsWatch.Plan(Account, "ChatGPT", Sub, [training, retention, sso], observed, horizon.HoldsThrough);
        Assert.That(later, Is.EqualTo(findings));
        Assert.That(SettingsWatch.Plan(Account, "ChatGPT", Sub, [training, retention, sso], observed, horizon.HoldsThrough.AddDays(1)).Count, Is.EqualTo(3));
    }

    [Test]
    public void Without_a_time_rule_that_can_flip_a_plan_holds_for_ever()
    {
        var input = Input([Seat("anna@client.fr")], [Member("anna@client.fr", daysAgo: 90), Member("zoe@client.fr", daysAgo: 1)]);

        var plan = ReconciliationPlanner.Plan(input);

        Assert.That(plan.Findings.Select(f => f.Kind), Is.EquivalentTo(new[] { FindingKinds.ShadowUser, FindingKinds.InactiveSeat, FindingKinds.MemberCountMismatch }));
        Assert.That(plan.HoldsThrough, Is.EqualTo(DateOnly.MaxValue), "inactive for good, and a shadow user is no matter of time");
    }

    [Test]
    public void Rules_whose_day_has_passed_do_not_shorten_the_horizon()
    {
        var horizon = new TimeHorizon(Today);
        horizon.FlipsAfter(Today.AddDays(-40), 30);
        horizon.FlipsAfter(Today.AddDays(-30), 29);
        Assert.That(horizon.HoldsThrough, Is.EqualTo(DateOnly.MaxValue), "both flipped on or before today");
        horizon.FlipsAfter(Today.AddDays(-30), 30);
        Assert.That(horizon.HoldsThrough, Is.EqualTo(Today), "flips tomorrow: holds today only");
        horizon.FlipsAfter(DateOnly.MaxValue.AddDays(-1), 30);
        Assert.That(horizon.HoldsThrough, Is.EqualTo(Today), "a flip beyond the calendar never comes");
    }

    /// <summary>
    /// The property the confirmation relies on, over many generated estates: on every day from the evaluation day through
    /// its horizon, the same inputs plan exactly the same findings, usage and activations. A time rule added to the planner
    /// without reporting its flip day fails here.
    /// </summary>
    [Test]
    public void Every_plan_concludes_the_same_on_each_day_through_its_horizon([Values(1, 2, 3, 4, 5, 6, 7, 8)] int seed)
    {
        var random = new Random(seed);
        var bounded = 0;
        for (var estate = 0; estate < 25; estate++)
        {
            var seats = new List<PlanSeat>();
            var members = new List<VendorMember>();
            var others = new List<OtherToolUse>();
            for (var i = 0; i < random.Next(1, 8); i++)
            {
                var email = $"p{i}@client.fr";
                var status = random.Next(4) switch { 0 => "invited", 1 => "requested", _ => "active" };
                var seat = Seat(email, status, invited: random.Next(3) == 0 ? null : Today.AddDays(-random.Next(0, 30)));
                seats.Add(seat);
                switch (random.Next(5))
                {
                    case 0:
                        break;
                    case 1:
                        members.Add(Member(email, null, "invited"));
                        break;
                    default:
                        members.Add(Member(email, random.Next(4) == 0 ? null : random.Next(0, 70)));
                        break;
                }
                if (random.Next(3) == 0)
                {
                    others.Add(new OtherToolUse(seat.PersonId, Guid.NewGuid(), random.Next(2) == 0 ? "anthropic" : "midjourney", "Other tool",
                        random.Next(4) == 0 ? null : Today.AddDays(-random.Next(0, 40))));
                }
            }
            if (random.Next(3) == 0)
            {
                members.Add(Member("shadow@client.fr", random.Next(0, 50)));
            }
            var recorded = random.Next(3) == 0 ? new RecordedQuantityInput(new RecordedQuantity(random.Next(5, 12), Today.AddDays(-random.Next(0, 40)), "invoice"), 30) : null;
            var input = Input(seats, members, others, inactiveAfter: random.Next(5, 45), staleInviteAfter: random.Next(3, 20), recorded: recorded,
                reportsActivity: random.Next(6) != 0);

            var plan = ReconciliationPlanner.Plan(input);

            Assert.That(plan.HoldsThrough, Is.GreaterThanOrEqualTo(Today));
            var expected = Conclusions(plan);
            var last = plan.HoldsThrough < Today.AddDays(120) ? plan.HoldsThrough : Today.AddDays(120);
            for (var day = Today.AddDays(1); day <= last; day = day.AddDays(1))
            {
                var replayed = PlanOn(input, day);
                Assert.That(Conclusions(replayed), Is.EqualTo(expected), $"estate {estate} of seed {seed}: the plan changed on {day} within its horizon {plan.HoldsThrough}");
                Assert.That(replayed.HoldsThrough, Is.EqualTo(plan.HoldsThrough), "the horizon itself does not move within it");
            }
            if (plan.HoldsThrough < DateOnly.MaxValue)
            {
                bounded++;
            }
        }
        Assert.That(bounded, Is.GreaterThan(5), "the generated estates exercise time rules");
    }
}
