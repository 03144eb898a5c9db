using Cronos;
using LicenceOps.Seats.Domain.Reconciliation;

namespace LicenceOps.UnitTests.Seats;

/// <summary>
/// Per-account reconciliation schedules (ADR 0027), checked with the cron parser Hangfire uses: every accepted interval
/// fires exactly that often, day and night, and intervals a cron cannot repeat evenly are refused.
/// </summary>
public class ReconciliationCronTests
{
    private static IEnumerable<int> Allowed => ReconciliationCron.Allowed;

    [TestCaseSource(nameof(Allowed))]
    public void Every_accepted_interval_fires_exactly_that_often_for_any_account(int minutes)
    {
        foreach (var account in Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()))
        {
            var cron = CronExpression.Parse(ReconciliationCron.For(minutes, account));
            var from = new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc);
            var fires = cron.GetOccurrences(from, from.AddDays(3), TimeZoneInfo.Utc).ToList();
            Assert.That(fires, Has.Count.EqualTo(3 * 24 * 60 / minutes), ReconciliationCron.For(minutes, account));
            Assert.That(fires.Zip(fires.Skip(1), (a, b) => (b - a).TotalMinutes), Is.All.EqualTo(minutes), ReconciliationCron.For(minutes, account));
        }
    }

    [Test]
    public void The_offset_is_stable_per_account_and_spreads_accounts_over_the_hour()
    {
        var account = Guid.NewGuid();
        Assert.That(ReconciliationCron.For(60, account), Is.EqualTo(ReconciliationCron.For(60, Guid.Parse(account.ToString()))));
        var minutes = Enumerable.Range(0, 200).Select(_ => ReconciliationCron.For(60, Guid.NewGuid()).Split(' ')[0]).Distinct().Count();
        Assert.That(minutes, Is.GreaterThan(30), "200 hourly accounts do not all start at :00");
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(7)]
    [TestCase(45)]
    [TestCase(90)]
    [TestCase(300)]
    [TestCase(1441)]
    [TestCase(2880)]
    [TestCase(-60)]
    public void Intervals_a_cron_cannot_repeat_evenly_are_refused(int minutes)
    {
        Assert.That(ReconciliationCron.IsExpressible(minutes), Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconciliationCron.For(minutes, Guid.NewGuid()));
    }
}
