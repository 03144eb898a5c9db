using LicenceOps.Billing.Features.Pricing;

namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>
/// One version of a subscription's commercial terms, as carried by SubscriptionQuantityChanged:
/// in force from <see cref="EffectiveDate"/> until the next version.
/// </summary>
public sealed record SubscriptionTermsVersion(
    Guid SubscriptionId,
    string VendorName,
    string PlanCode,
    string PlanName,
    int CommittedQuantity,
    DateOnly EffectiveDate,
    PlanPrice Price,
    DateTimeOffset OccurredAt,
    DateOnly? TermStart = null,
    DateTimeOffset? RecordedAt = null)
{
    public bool BilledAnnuallyInAdvance => Price.BillingFrequency == BillingFrequencies.AnnualInAdvance;
}

/// <summary>A seat starts counting on its assignment's effective date and stops after its release's effective date.</summary>
/// <param name="RecordedAt">When Billing received it (null for rows older than that column): what a past invoice could know.</param>
public sealed record SeatChange(Guid SeatId, bool Assigned, DateOnly EffectiveDate, DateTimeOffset OccurredAt, DateTimeOffset? RecordedAt = null);

/// <summary>Consecutive days of one subscription billed at the same quantity under the same terms.</summary>
public sealed record BillableRun(DateOnly Start, DateOnly End, int Quantity, SubscriptionTermsVersion Terms)
{
    public int Days => End.DayNumber - Start.DayNumber + 1;
}

/// <summary>
/// Billed quantity of a day = max(committed quantity, assigned seats) under the terms in force that day;
/// days without any terms are not billable (Billing cannot price them). Days under annual-in-advance terms are
/// billed by <see cref="AnnualCharges"/> instead.
/// </summary>
public static class SeatDays
{
    public static IReadOnlyList<BillableRun> Compute(
        BillingPeriod period, IReadOnlyList<SubscriptionTermsVersion> terms, IReadOnlyList<SeatChange> seatChanges)
    {
        var orderedTerms = terms.OrderBy(t => t.EffectiveDate).ThenBy(t => t.OccurredAt).ToList();
        var runs = new List<BillableRun>();
        if (orderedTerms.TrueForAll(t => t.BilledAnnuallyInAdvance))
        {
            // No day of the month is billed here (AnnualCharges bills them): no seat history to build.
            return runs;
        }
        var assignedChanges = AssignedChanges(Histories(seatChanges), period);

        var assigned = 0;
        var index = 0;
        for (var day = period.Start; day <= period.End; day = day.AddDays(1), index++)
        {
            assigned += assignedChanges[index];
            var inForce = InForce(orderedTerms, day);
            if (inForce is null || inForce.BilledAnnuallyInAdvance)
            {
                continue;
            }

            var quantity = Math.Max(inForce.CommittedQuantity, assigned);
            if (quantity <= 0)
            {
                continue;
            }

            var last = runs.Count > 0 ? runs[^1] : null;
            if (last is not null && last.End.AddDays(1) == day && last.Quantity == quantity && ReferenceEquals(last.Terms, inForce))
            {
                runs[^1] = last with { End = day };
            }
            else
            {
                runs.Add(new BillableRun(day, day, quantity, inForce));
            }
        }

        return runs;
    }

    /// <summary>Terms in force and billed quantity of any day, for the annual computation.</summary>
    internal static (Func<DateOnly, SubscriptionTermsVersion?> Terms, Func<DateOnly, int> Quantity) Timeline(
        IReadOnlyList<SubscriptionTermsVersion> terms, IReadOnlyList<SeatChange> seatChanges)
    {
        var orderedTerms = terms.OrderBy(t => t.EffectiveDate).ThenBy(t => t.OccurredAt).ToList();
        // Built on the first quantity asked for: AnnualCharges asks none of a month without annual terms (most subscriptions).
        Step[]? seats = null;
        SubscriptionTermsVersion? TermsOn(DateOnly day) => InForce(orderedTerms, day);
        int QuantityOn(DateOnly day) => TermsOn(day) is { } t ? Math.Max(t.CommittedQuantity, AssignedOn(seats ??= Histories(seatChanges), day)) : 0;
        return (TermsOn, QuantityOn);
    }

    /// <summary>The last version in effect on <paramref name="day"/> (<paramref name="orderedTerms"/> in effect order), or null.</summary>
    private static SubscriptionTermsVersion? InForce(List<SubscriptionTermsVersion> orderedTerms, DateOnly day)
    {
        SubscriptionTermsVersion? inForce = null;
        foreach (var t in orderedTerms)
        {
            if (t.EffectiveDate <= day)
            {
                inForce = t;
            }
        }
        return inForce;
    }

    /// <summary>
    /// Every seat's changes as (from which day, assigned or not), in one array ordered by seat, then by that day, then by when
    /// they happened, then by order of arrival (so changes equal in both keep that order, as Linq's stable OrderBy did). One
    /// array of values rather than a dictionary of per-seat lists: the invoice run plans about a hundred changes per tenant,
    /// and the per-seat lists, their arrays and the dictionary's entries were a fifth of what the run allocated beyond its
    /// rendering floor (docs/performance.md, feat/i16ck).
    /// </summary>
    private static Step[] Histories(IReadOnlyList<SeatChange> seatChanges)
    {
        var steps = new Step[seatChanges.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            var c = seatChanges[i];
            steps[i] = new Step(c.SeatId, c.Assigned ? c.EffectiveDate : c.EffectiveDate.AddDays(1), c.Assigned, c.OccurredAt, i);
        }
        Array.Sort(steps, static (a, b) =>
        {
            var order = a.SeatId.CompareTo(b.SeatId);
            if (order == 0)
            {
                order = a.From.CompareTo(b.From);
            }
            if (order == 0)
            {
                order = a.OccurredAt.CompareTo(b.OccurredAt);
            }
            return order != 0 ? order : a.Arrival.CompareTo(b.Arrival);
        });
        return steps;
    }

    /// <summary>
    /// How many more (or fewer) seats are assigned on each day of <paramref name="period"/> than the day before (the first day's
    /// entry: how many are assigned on it), so the month's counts are a running sum: one walk of the histories instead of one per
    /// day (<see cref="AssignedOn"/>, which the annual timeline still asks day by day). Each seat's last change from a day or
    /// before decides that day, as there.
    /// </summary>
    private static int[] AssignedChanges(Step[] steps, BillingPeriod period)
    {
        var days = period.Days;
        var changes = new int[days + 1];
        var i = 0;
        while (i < steps.Length)
        {
            var seat = steps[i].SeatId;
            var on = false;
            var since = 0;
            for (; i < steps.Length && steps[i].SeatId == seat; i++)
            {
                var at = steps[i].From.DayNumber - period.Start.DayNumber;
                if (at >= days || steps[i].Assigned == on)
                {
                    // After the period, or no change (a seat's steps come in day order).
                    continue;
                }
                at = Math.Max(at, 0);
                if (on)
                {
                    changes[since]++;
                    changes[at]--;
                }
                on = steps[i].Assigned;
                since = at;
            }
            if (on)
            {
                changes[since]++;
                changes[days]--;
            }
        }
        return changes;
    }

    /// <summary>Seats assigned on <paramref name="day"/>: for each seat, its last change from that day or before decides.</summary>
    private static int AssignedOn(Step[] steps, DateOnly day)
    {
        var assigned = 0;
        var i = 0;
        while (i < steps.Length)
        {
            var seat = steps[i].SeatId;
            var on = false;
            for (; i < steps.Length && steps[i].SeatId == seat; i++)
            {
                if (steps[i].From <= day)
                {
                    on = steps[i].Assigned;
                }
            }
            if (on)
            {
                assigned++;
            }
        }
        return assigned;
    }

    /// <summary>One seat change: the seat is assigned or not from <see cref="From"/> on.</summary>
    private readonly record struct Step(Guid SeatId, DateOnly From, bool Assigned, DateTimeOffset OccurredAt, int Arrival);
}
