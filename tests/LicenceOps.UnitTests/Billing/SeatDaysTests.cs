using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Pricing;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class SeatDaysTests
{
    private static readonly BillingPeriod November = new(2026, 11);
    private static readonly DateTimeOffset Earlier = new(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);

    internal static SubscriptionTermsVersion Terms(int committed, DateOnly effective, decimal? salePrice = 27.50m, DateTimeOffset? at = null) =>
        new(Guid.Parse("5b0d1c3e-0000-0000-0000-000000000001"), "OpenAI", "chatgpt-team", "ChatGPT Team", committed, effective,
            new PlanPrice("monthly", 25m, "USD", false, salePrice), at ?? Earlier);

    private static SeatChange Assign(int seat, DateOnly date) => new(SeatId(seat), true, date, Earlier.AddDays(date.DayNumber % 100));

    private static SeatChange Release(int seat, DateOnly date) => new(SeatId(seat), false, date, Earlier.AddDays(date.DayNumber % 100 + 1));

    private static Guid SeatId(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    [Test]
    public void Committed_seats_are_billed_even_when_unassigned()
    {
        var runs = SeatDays.Compute(November, [Terms(10, new DateOnly(2026, 1, 1))], [Assign(1, new DateOnly(2026, 1, 1))]);

        Assert.That(runs.Select(r => (r.Start, r.End, r.Quantity)), Is.EqualTo(new[]
        {
            (new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), 10),
        }));
    }

    [Test]
    public void A_seat_assigned_on_the_17th_above_the_commitment_counts_from_the_17th()
    {
        var seats = Enumerable.Range(1, 10).Select(n => Assign(n, new DateOnly(2026, 10, 1))).Append(Assign(11, new DateOnly(2026, 11, 17))).ToList();

        var runs = SeatDays.Compute(November, [Terms(10, new DateOnly(2026, 1, 1))], seats);

        Assert.That(runs.Select(r => (r.Start, r.End, r.Quantity)), Is.EqualTo(new[]
        {
            (new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 16), 10),
            (new DateOnly(2026, 11, 17), new DateOnly(2026, 11, 30), 11),
        }));
    }

    [Test]
    public void A_seat_released_on_the_9th_counts_up_to_the_9th_included()
    {
        var seats = new[] { Assign(1, new DateOnly(2026, 10, 1)), Assign(2, new DateOnly(2026, 10, 1)), Assign(3, new DateOnly(2026, 10, 1)), Release(3, new DateOnly(2026, 11, 9)) };

        var runs = SeatDays.Compute(November, [Terms(0, new DateOnly(2026, 1, 1))], seats);

        Assert.That(runs.Select(r => (r.Start, r.End, r.Quantity)), Is.EqualTo(new[]
        {
            (new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 9), 3),
            (new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 30), 2),
        }));
    }

    [Test]
    public void A_reassigned_seat_counts_again_and_event_order_does_not_matter()
    {
        var changes = new[] { Assign(1, new DateOnly(2026, 11, 20)), Release(1, new DateOnly(2026, 11, 5)), Assign(1, new DateOnly(2026, 10, 1)) };

        var runs = SeatDays.Compute(November, [Terms(0, new DateOnly(2026, 1, 1))], changes);

        Assert.That(runs.Select(r => (r.Start, r.End, r.Quantity)), Is.EqualTo(new[]
        {
            (new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 5), 1),
            (new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 30), 1),
        }));
    }

    [Test]
    public void A_commitment_change_mid_month_splits_the_run_and_days_before_any_terms_are_not_billed()
    {
        var terms = new[] { Terms(5, new DateOnly(2026, 11, 11)), Terms(8, new DateOnly(2026, 11, 21), at: Earlier.AddDays(40)) };

        var runs = SeatDays.Compute(November, terms, []);

        Assert.That(runs.Select(r => (r.Start, r.End, r.Quantity)), Is.EqualTo(new[]
        {
            (new DateOnly(2026, 11, 11), new DateOnly(2026, 11, 20), 5),
            (new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 30), 8),
        }));
    }

    /// <summary>
    /// Each day's quantity, as the seat histories were first written (Linq's grouping and stable ordering): the histories
    /// that replaced them (per-seat lists, then one sorted array) must count every day the same, ties in date and time included.
    /// </summary>
    [Test]
    public void Every_day_counts_the_seats_the_linq_histories_counted()
    {
        var random = new Random(1581);
        for (var round = 0; round < 300; round++)
        {
            var changes = new List<SeatChange>();
            for (var i = random.Next(0, 40); i > 0; i--)
            {
                // Few seats, days and instants, so many changes share a seat, a day and an instant (the stable order decides).
                changes.Add(new SeatChange(SeatId(random.Next(1, 8)), random.Next(2) == 0, new DateOnly(2026, 10, 25).AddDays(random.Next(0, 40)),
                    Earlier.AddHours(random.Next(0, 3))));
            }
            var terms = new[] { Terms(random.Next(0, 4), new DateOnly(2026, 10, 1)), Terms(random.Next(0, 4), new DateOnly(2026, 11, 1).AddDays(random.Next(0, 30))) };

            var (_, quantityOn) = SeatDays.Timeline(terms, changes);
            var linq = changes.GroupBy(c => c.SeatId)
                .Select(g => g.Select(c => (From: c.Assigned ? c.EffectiveDate : c.EffectiveDate.AddDays(1), c.Assigned, c.OccurredAt))
                    .OrderBy(c => c.From).ThenBy(c => c.OccurredAt).ToList())
                .ToList();
            for (var day = November.Start; day <= November.End; day = day.AddDays(1))
            {
                var assigned = linq.Count(history => history.Where(c => c.From <= day).Select(c => c.Assigned).LastOrDefault());
                var inForce = terms.OrderBy(t => t.EffectiveDate).ThenBy(t => t.OccurredAt).LastOrDefault(t => t.EffectiveDate <= day);
                Assert.That(quantityOn(day), Is.EqualTo(inForce is null ? 0 : Math.Max(inForce.CommittedQuantity, assigned)), $"round {round}, {day}");
            }
            var computed = SeatDays.Compute(November, terms, changes);
            Assert.That(computed.Sum(r => r.Days * r.Quantity),
                Is.EqualTo(Enumerable.Range(0, 30).Sum(d => quantityOn(November.Start.AddDays(d)))), $"round {round}");
            // Day by day too: the month's counts are a running sum of each day's changes (feat/i16wx), the timeline's a walk per day.
            for (var day = November.Start; day <= November.End; day = day.AddDays(1))
            {
                Assert.That(computed.SingleOrDefault(r => r.Start <= day && day <= r.End)?.Quantity ?? 0, Is.EqualTo(quantityOn(day)), $"round {round}, {day}");
            }
        }
    }

    [Test]
    public void A_period_parses_only_real_months()
    {
        Assert.That(BillingPeriod.TryParse("2026-02", out var february), Is.True);
        Assert.That(february!.Value.Days, Is.EqualTo(28));
        Assert.That(february.Value.End, Is.EqualTo(new DateOnly(2026, 2, 28)));
        Assert.That(february.Value.Previous().ToString(), Is.EqualTo("2026-01"));
        Assert.That(BillingPeriod.TryParse("2026-13", out _), Is.False);
        Assert.That(BillingPeriod.TryParse("2026-1", out _), Is.False);
        Assert.That(BillingPeriod.TryParse("october", out _), Is.False);
        Assert.That(BillingPeriod.TryParse(null, out _), Is.False);
    }
}
