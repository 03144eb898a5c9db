using LicenceOps.Seats.Domain.Reconciliation;

namespace LicenceOps.UnitTests.Seats;

public class PurchasedQuantityWatchTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly Guid Account = Guid.NewGuid();
    private static readonly PlanSubscription[] Subscriptions =
        [new(Guid.NewGuid(), "Claude Team", 8, SeatPrice.Of(27.50m, 25m, "USD", "per_seat_month")), new(Guid.NewGuid(), "Claude Team Premium", 2, SeatPrice.Unknown)];

    private static IReadOnlyList<PlannedFinding> Plan(RecordedQuantity? recorded) =>
        PurchasedQuantityWatch.FromRecord(Account, "Client Claude", Subscriptions, recorded, 30, Today);

    [Test]
    public void Never_recorded_is_unverified_without_a_euro_effect()
    {
        var f = Plan(null).Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.QuantityUnverified));
        Assert.That(f.Summary, Does.Contain("never been verified").And.Contain("committed quantity of 10"));
        Assert.That(f.MonthlyEffectCents, Is.Zero);
        Assert.That(f.SubjectKey, Is.EqualTo($"account:{Account}"));
    }

    [Test]
    public void A_matching_quantity_recorded_within_the_limit_gives_nothing_and_one_day_past_it_is_unverified()
    {
        Assert.That(Plan(new RecordedQuantity(10, Today.AddDays(-30), "console")), Is.Empty);
        var stale = Plan(new RecordedQuantity(10, Today.AddDays(-31), "console")).Single();
        Assert.That(stale.Kind, Is.EqualTo(FindingKinds.QuantityUnverified));
        Assert.That(stale.Summary, Does.Contain("last verified on 2026-10-28"));
    }

    [Test]
    public void A_differing_quantity_is_a_mismatch_priced_at_the_first_subscription_even_when_old()
    {
        var f = Plan(new RecordedQuantity(7, Today.AddDays(-90), "invoice")).Single();
        Assert.That(f.Kind, Is.EqualTo(FindingKinds.QuantityMismatch));
        Assert.That(f.MonthlyEffectCents, Is.EqualTo(8250), "3 seats × 27.50 EUR");
        Assert.That(f.RecommendedAction, Does.Contain("Buy 3 more seat(s)"));
    }

    [Test]
    public void Without_a_connected_subscription_there_is_nothing_to_compare()
    {
        Assert.That(PurchasedQuantityWatch.FromRecord(Account, "Client Claude", [], null, 30, Today), Is.Empty);
    }
}
