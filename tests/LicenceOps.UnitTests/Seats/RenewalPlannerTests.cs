using LicenceOps.Seats.Domain.Reports;

namespace LicenceOps.UnitTests.Seats;

public sealed class RenewalPlannerTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static RenewalPlan Plan(int daysAhead, int committed = 10, int assigned = 6, int? active = 4, decimal? price = 25m, bool decided = false) =>
        RenewalPlanner.Plan(new RenewalFacts(Today, Today.AddDays(daysAhead), committed, assigned, active, price, decided), headroomPercent: 10m);

    [TestCase(121, "later")]
    [TestCase(120, "due_120")]
    [TestCase(91, "due_120")]
    [TestCase(90, "due_90")]
    [TestCase(31, "due_90")]
    [TestCase(30, "due_30")]
    [TestCase(0, "due_30")]
    [TestCase(-1, "past")]
    public void The_stage_follows_the_120_90_30_day_horizons(int days, string stage)
    {
        var plan = Plan(days);
        Assert.That(plan.Stage, Is.EqualTo(stage));
        Assert.That(plan.DaysUntilRenewal, Is.EqualTo(days));
    }

    [Test]
    public void The_recommendation_is_active_seats_plus_headroom_rounded_up_with_its_euro_difference()
    {
        // 4 active × 1.10 = 4.4 → 5 seats; 5 − 10 = −5 seats × 25 € = −125 € a month, −1,500 € a year.
        var plan = Plan(60);
        Assert.That(plan, Is.EqualTo(new RenewalPlan(60, "due_90", 5, "usage", -5, -125m, -1500m, false)));
    }

    [Test]
    public void Without_usage_the_assigned_seats_stand_in_and_the_plan_says_so()
    {
        // 6 assigned × 1.10 = 6.6 → 7; growth shows as a positive difference.
        var plan = Plan(60, committed: 5, active: null);
        Assert.That((plan.RecommendedQuantity, plan.RecommendationBasis, plan.QuantityDifference, plan.MonthlyDifferenceEur), Is.EqualTo((7, "assigned", 2, 50m)));
    }

    [Test]
    public void No_sale_price_means_no_euro_difference_rather_than_a_guess() =>
        Assert.That(Plan(60, price: null).MonthlyDifferenceEur, Is.Null);

    [Test]
    public void A_passed_renewal_is_flagged_until_a_decision_is_recorded()
    {
        Assert.That(Plan(-1).PastRenewalWithoutDecision, Is.True);
        Assert.That(Plan(-1, decided: true).PastRenewalWithoutDecision, Is.False);
        Assert.That(Plan(0).PastRenewalWithoutDecision, Is.False, "the renewal day itself is not passed yet");
    }
}
