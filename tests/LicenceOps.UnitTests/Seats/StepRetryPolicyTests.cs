using NUnit.Framework;
using LicenceOps.Seats.Domain.Transfers;

namespace LicenceOps.UnitTests.Seats;

public class StepRetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void Delays_double_after_each_failure()
    {
        var policy = new StepRetryPolicy(TimeSpan.FromMinutes(1), MaxAttempts: 5);

        Assert.That(policy.AfterFailure(1, Now), Is.EqualTo(new RetryDecision.RetryAt(Now.AddMinutes(1))));
        Assert.That(policy.AfterFailure(2, Now), Is.EqualTo(new RetryDecision.RetryAt(Now.AddMinutes(2))));
        Assert.That(policy.AfterFailure(3, Now), Is.EqualTo(new RetryDecision.RetryAt(Now.AddMinutes(4))));
        Assert.That(policy.AfterFailure(4, Now), Is.EqualTo(new RetryDecision.RetryAt(Now.AddMinutes(8))));
    }

    [Test]
    public void Gives_up_after_the_last_attempt()
    {
        var policy = new StepRetryPolicy(TimeSpan.FromMinutes(1), MaxAttempts: 3);

        Assert.That(policy.AfterFailure(3, Now), Is.InstanceOf<RetryDecision.GiveUp>());
        Assert.That(policy.AfterFailure(2, Now), Is.InstanceOf<RetryDecision.RetryAt>());
    }

    [Test]
    public void Offboarding_starts_the_day_after_the_end_date() =>
        Assert.That(TransferTiming.OffboardingStartsAt(new DateOnly(2026, 11, 30)),
            Is.EqualTo(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));

    [Test]
    public void Activation_reminder_is_due_after_the_interval_since_the_last_nudge()
    {
        var interval = TimeSpan.FromDays(3);
        Assert.That(TransferTiming.ReminderDue(Now, null, Now.AddDays(2), interval), Is.False);
        Assert.That(TransferTiming.ReminderDue(Now, null, Now.AddDays(3), interval), Is.True);
        Assert.That(TransferTiming.ReminderDue(Now, Now.AddDays(3), Now.AddDays(4), interval), Is.False);
        Assert.That(TransferTiming.ReminderDue(Now, Now.AddDays(3), Now.AddDays(6), interval), Is.True);
    }
}
