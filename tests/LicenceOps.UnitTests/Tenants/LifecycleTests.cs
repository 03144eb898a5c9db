using LicenceOps.Platform;
using LicenceOps.Tenants.Domain;

namespace LicenceOps.UnitTests.Tenants;

public sealed class PersonStatusTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Test]
    public void Joining_with_a_future_start_date_is_joining() =>
        Assert.That(PersonStatus.OnJoin(Today.AddDays(1), Today), Is.EqualTo(PersonStatus.Joining));

    [Test]
    public void Joining_today_or_in_the_past_is_active_at_once()
    {
        Assert.That(PersonStatus.OnJoin(Today, Today), Is.EqualTo(PersonStatus.Active));
        Assert.That(PersonStatus.OnJoin(Today.AddYears(-3), Today), Is.EqualTo(PersonStatus.Active));
    }

    [Test]
    public void A_leave_ending_later_is_leaving_and_one_ending_today_or_before_is_left()
    {
        Assert.That(PersonStatus.OnLeave(Today.AddDays(1), Today), Is.EqualTo(PersonStatus.Leaving));
        Assert.That(PersonStatus.OnLeave(Today, Today), Is.EqualTo(PersonStatus.Left));
        Assert.That(PersonStatus.OnLeave(Today.AddDays(-1), Today), Is.EqualTo(PersonStatus.Left));
    }

    [TestCase("joining")]
    [TestCase("active")]
    public void Present_people_may_leave(string status) =>
        Assert.That(PersonStatus.RefuseLeave(status, Today, Today.AddDays(30)), Is.Null);

    [TestCase("leaving", "already recorded")]
    [TestCase("left", "already left")]
    public void A_person_leaves_only_once(string status, string reason) =>
        Assert.That(PersonStatus.RefuseLeave(status, Today, Today.AddDays(30)), Does.Contain(reason));

    [Test]
    public void A_leave_cannot_end_before_the_start_date() =>
        Assert.That(PersonStatus.RefuseLeave(PersonStatus.Joining, Today.AddDays(10), Today.AddDays(9)), Does.Contain("before the start date"));

    [Test]
    public void Only_joining_and_active_people_move_department()
    {
        Assert.That(PersonStatus.RefuseMove(PersonStatus.Joining), Is.Null);
        Assert.That(PersonStatus.RefuseMove(PersonStatus.Active), Is.Null);
        Assert.That(PersonStatus.RefuseMove(PersonStatus.Leaving), Is.Not.Null);
        Assert.That(PersonStatus.RefuseMove(PersonStatus.Left), Is.Not.Null);
    }
}

public sealed class TenantStatusTests
{
    [TestCase("active", "suspended")]
    [TestCase("suspended", "active")]
    [TestCase("active", "offboarded")]
    [TestCase("suspended", "offboarded")]
    public void Allowed_transitions(string from, string to) =>
        Assert.That(TenantStatus.RefuseTransition(from, to), Is.Null);

    [TestCase("offboarded", "active", "final")]
    [TestCase("offboarded", "suspended", "final")]
    [TestCase("active", "active", "already active")]
    [TestCase("suspended", "suspended", "already suspended")]
    public void Refused_transitions_say_why(string from, string to, string reason) =>
        Assert.That(TenantStatus.RefuseTransition(from, to), Does.Contain(reason));
}

public sealed class ParisCalendarTests
{
    [Test]
    public void Today_is_the_paris_date_not_the_utc_date()
    {
        // 23:30 UTC on 23 November is 00:30 on 24 November in Paris (UTC+1 in winter).
        Assert.That(ParisCalendar.DateOf(new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.Zero)), Is.EqualTo(new DateOnly(2026, 11, 24)));
        Assert.That(ParisCalendar.DateOf(new DateTimeOffset(2026, 11, 23, 22, 59, 0, TimeSpan.Zero)), Is.EqualTo(new DateOnly(2026, 11, 23)));
    }

    [Test]
    public void Summer_time_is_utc_plus_two() =>
        Assert.That(ParisCalendar.DateOf(new DateTimeOffset(2026, 7, 1, 22, 30, 0, TimeSpan.Zero)), Is.EqualTo(new DateOnly(2026, 7, 2)));
}
