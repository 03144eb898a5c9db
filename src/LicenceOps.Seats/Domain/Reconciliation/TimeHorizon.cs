namespace LicenceOps.Seats.Domain.Reconciliation;

/// <summary>
/// How long a comparison's conclusions hold when nothing but the date moves (ADR 0048). Every time rule of the planner
/// compares a stored or reported day with the evaluation day, so for unchanged inputs its outcome flips at most once, on a
/// day it can name: the rule reports that day here, and <see cref="HoldsThrough"/> is the day before the earliest of them.
/// A rule may report a day on which its outcome would not change after all (a later rule taking precedence, a tie): that
/// only makes the next run compare earlier than it needed to. A rule that reports nothing makes runs confirm a stale
/// conclusion, which is why the planner's tests replay every plan on each day up to its horizon.
/// </summary>
public sealed class TimeHorizon(DateOnly today)
{
    /// <summary>The evaluation day the rules were applied on.</summary>
    public DateOnly Today { get; } = today;

    /// <summary>The last day on which the same inputs plan exactly the same; <see cref="DateOnly.MaxValue"/> when no rule can flip.</summary>
    public DateOnly HoldsThrough { get; private set; } = DateOnly.MaxValue;

    /// <summary>
    /// A rule that holds while the evaluation day is at most <paramref name="day"/> + <paramref name="days"/> (e.g. "used within
    /// the policy": last activity + policy days) or that starts to hold after it (e.g. "idle longer than the policy"): either
    /// way its outcome differs from the next day on. Days already past change nothing more.
    /// </summary>
    public void FlipsAfter(DateOnly day, int days) => FlipsOn((long)day.DayNumber + days + 1);

    private void FlipsOn(long dayNumber)
    {
        // Past flips are settled; a flip beyond the calendar never comes.
        if (dayNumber <= Today.DayNumber || dayNumber > DateOnly.MaxValue.DayNumber)
        {
            return;
        }
        var lastHolding = DateOnly.FromDayNumber((int)dayNumber - 1);
        if (lastHolding < HoldsThrough)
        {
            HoldsThrough = lastHolding;
        }
    }
}
