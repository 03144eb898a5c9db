using LicenceOps.Seats.Domain.Reports;

namespace LicenceOps.UnitTests.Seats;

public sealed class SavingsLedgerTests
{
    [Test]
    public void Each_recommendation_saves_from_the_day_after_it_was_acted_on_pro_rata_until_today()
    {
        var reclaimed = new ActedRecommendation(Guid.NewGuid(), "inactive_seat", "Idle ChatGPT seat", "reclaim", 25m, "1 seat × 25 €", new DateOnly(2026, 9, 15));
        var overlap = new ActedRecommendation(Guid.NewGuid(), "overlapping_tools", "Two assistants", "reclaim", 12.40m, "1 seat × 12.40 €", new DateOnly(2026, 10, 31));
        var cost = new ActedRecommendation(Guid.NewGuid(), "quantity_mismatch", "Vendor bills fewer", "raise", -30m, "", new DateOnly(2026, 9, 1));

        var ledger = SavingsLedger.Compute(new DateOnly(2026, 9, 1), new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 28), [reclaimed, overlap, cost]);

        Assert.Multiple(() =>
        {
            // Reclaimed on 15 Sep: 16–30 Sep = 15/30 × 25 = 12.50; October whole = 25.00; 1–28 Nov = 28/30 × 25 = 23.33.
            Assert.That(ledger.Recommendations[0].Months.Select(m => m.SavedEur), Is.EqualTo(new[] { 12.50m, 25.00m, 23.33m }));
            Assert.That(ledger.Recommendations[0].TotalSavedEur, Is.EqualTo(60.83m));
            // Acted on 31 Oct: nothing in October, 28/30 × 12.40 = 11.5733 → 11.57 in November.
            Assert.That(ledger.Recommendations[1].Months.Select(m => m.SavedEur), Is.EqualTo(new[] { 0m, 0m, 11.57m }));
            Assert.That(ledger.Recommendations, Has.Count.EqualTo(2), "a finding that costs money saves nothing");
            Assert.That(ledger.Months.Select(m => (m.Month, m.SavedEur)), Is.EqualTo(new[] { ("2026-09", 12.50m), ("2026-10", 25.00m), ("2026-11", 34.90m) }));
            Assert.That(ledger.TotalSavedEur, Is.EqualTo(72.40m));
        });
    }
}
