using LicenceOps.Support.Domain;

namespace LicenceOps.UnitTests.Support;

/// <summary>Business hours 09:00–18:00 Europe/Paris, Monday to Friday, without French public holidays.</summary>
public sealed class SlaCalendarTests
{
    private static readonly SlaCalendar Calendar = SlaCalendar.Default;

    private static DateTimeOffset Paris(int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, LicenceOps.Platform.ParisCalendar.Zone.GetUtcOffset(local));
    }

    [Test]
    public void Time_over_a_weekend_is_not_counted() =>
        // Friday 27/11/2026 17:00 + 2 business hours = Monday 30/11 10:00.
        Assert.That(Calendar.Add(Paris(2026, 11, 27, 17), TimeSpan.FromHours(2)), Is.EqualTo(Paris(2026, 11, 30, 10)));

    [Test]
    public void A_french_public_holiday_is_not_counted() =>
        // Tuesday 10/11/2026 17:00 + 8 h: 1 h on Tuesday, Wednesday 11/11 (Armistice) skipped, 7 h on Thursday.
        Assert.That(Calendar.Add(Paris(2026, 11, 10, 17), TimeSpan.FromHours(8)), Is.EqualTo(Paris(2026, 11, 12, 16)));

    [Test]
    public void Christmas_on_a_friday_and_the_weekend_are_skipped_together() =>
        Assert.That(Calendar.Add(Paris(2026, 12, 24, 17), TimeSpan.FromHours(2)), Is.EqualTo(Paris(2026, 12, 28, 10)));

    [Test]
    public void A_request_outside_hours_starts_counting_at_the_next_opening()
    {
        Assert.That(Calendar.Add(Paris(2026, 11, 28, 15), TimeSpan.FromHours(1)), Is.EqualTo(Paris(2026, 11, 30, 10)), "Saturday");
        Assert.That(Calendar.Add(Paris(2026, 11, 24, 7), TimeSpan.FromHours(1)), Is.EqualTo(Paris(2026, 11, 24, 10)), "before opening");
        Assert.That(Calendar.Add(Paris(2026, 11, 24, 20), TimeSpan.FromHours(9)), Is.EqualTo(Paris(2026, 11, 25, 18)), "after closing: one full day");
    }

    [Test]
    public void Daylight_saving_change_keeps_paris_office_hours() =>
        // Friday 23/10/2026 17:00 (UTC+2) + 2 h = Monday 26/10 10:00 (UTC+1, clocks went back on Sunday).
        Assert.That(Calendar.Add(Paris(2026, 10, 23, 17), TimeSpan.FromHours(2)).ToUniversalTime(),
            Is.EqualTo(new DateTimeOffset(2026, 10, 26, 9, 0, 0, TimeSpan.Zero)));

    [Test]
    public void Between_counts_only_business_time_and_inverts_add()
    {
        var start = Paris(2026, 11, 10, 17);
        Assert.That(Calendar.Between(start, Paris(2026, 11, 12, 16)), Is.EqualTo(TimeSpan.FromHours(8)));
        Assert.That(Calendar.Between(Paris(2026, 11, 27, 17), Paris(2026, 11, 30, 10)), Is.EqualTo(TimeSpan.FromHours(2)));
        Assert.That(Calendar.Between(Paris(2026, 11, 30, 10), Paris(2026, 11, 27, 17)), Is.EqualTo(TimeSpan.Zero));
        foreach (var hours in new[] { 0.5, 3, 9, 17, 45, 90 })
        {
            Assert.That(Calendar.Between(start, Calendar.Add(start, TimeSpan.FromHours(hours))), Is.EqualTo(TimeSpan.FromHours(hours)), $"{hours} h");
        }
    }

    [Test]
    public void Holidays_come_from_the_french_calendar()
    {
        Assert.That(SlaCalendar.IsHoliday(new DateOnly(2026, 5, 1)), Is.True, "1er mai");
        Assert.That(SlaCalendar.IsHoliday(new DateOnly(2026, 7, 14)), Is.True, "14 juillet");
        Assert.That(SlaCalendar.IsHoliday(new DateOnly(2026, 5, 14)), Is.True, "Ascension 2026");
        Assert.That(SlaCalendar.IsHoliday(new DateOnly(2026, 11, 12)), Is.False);
    }

    [Test]
    public void Evaluation_flags_at_risk_then_breached()
    {
        var target = new SlaTarget(1, 8);
        var created = Paris(2026, 11, 27, 16);
        var firstDue = Calendar.Add(created, TimeSpan.FromHours(1));
        var resolutionDue = Calendar.Add(created, TimeSpan.FromHours(8));
        Assert.That(SlaEvaluator.Evaluate(Calendar, created, firstDue, false, resolutionDue, target, 0.25), Is.EqualTo(SlaStates.Ok));
        Assert.That(SlaEvaluator.Evaluate(Calendar, Paris(2026, 11, 27, 16, 50), firstDue, false, resolutionDue, target, 0.25), Is.EqualTo(SlaStates.AtRisk));
        Assert.That(SlaEvaluator.Evaluate(Calendar, Paris(2026, 11, 27, 17, 1), firstDue, false, resolutionDue, target, 0.25), Is.EqualTo(SlaStates.Breached));
        Assert.That(SlaEvaluator.Evaluate(Calendar, Paris(2026, 11, 27, 17, 1), firstDue, true, resolutionDue, target, 0.25), Is.EqualTo(SlaStates.Ok),
            "answered in time: only the resolution target remains");
    }
}
