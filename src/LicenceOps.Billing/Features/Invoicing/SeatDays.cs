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
        var seats = Histories(seatChanges);

        var runs = new List<BillableRun>();
        for (var day = period.Start; day <= period.End; day = day.AddDays(1))
        {
            var inForce = InForce(orderedTerms, day);
            if (inForce is null || inForce.BilledAnnuallyInAdvance)
            {
                continue;
            }

            var assigned = AssignedOn(seats, day);
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
        var seats = Histories(seatChanges);
        SubscriptionTermsVersion? TermsOn(DateOnly day) => InForce(orderedTerms, day);
        int QuantityOn(DateOnly day) => TermsOn(day) is { } t ? Math.Max(t.CommittedQuantity, AssignedOn(seats, day)) : 0;
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
    /// Each seat's changes as (from which day, assigned or not), ordered by that day and then by when they happened; changes
    /// equal in both keep their order of arrival. Built with plain lists rather than Linq's grouping and ordering: the invoice
    /// run plans about a hundred changes per tenant, and their iterators and delegates were a tenth of its allocations.
    /// </summary>
    private static List<List<(DateOnly From, bool Assigned, DateTimeOffset OccurredAt)>> Histories(IReadOnlyList<SeatChange> seatChanges)
    {
        var bySeat = new Dictionary<Guid, List<(DateOnly From, bool Assigned, DateTimeOffset OccurredAt)>>(seatChanges.Count);
        var seats = new List<List<(DateOnly From, bool Assigned, DateTimeOffset OccurredAt)>>(seatChanges.Count);
        foreach (var c in seatChanges)
        {
            if (!bySeat.TryGetValue(c.SeatId, out var history))
            {
                history = new(2);
                bySeat.Add(c.SeatId, history);
                seats.Add(history);
            }
            // Insertion keeps equal keys in arrival order (a stable sort, as Linq's OrderBy); a seat has a few changes at most.
            var change = (From: c.Assigned ? c.EffectiveDate : c.EffectiveDate.AddDays(1), c.Assigned, c.OccurredAt);
            var at = history.Count;
            while (at > 0 && (history[at - 1].From > change.From || (history[at - 1].From == change.From && history[at - 1].OccurredAt > change.OccurredAt)))
            {
                at--;
            }
            history.Insert(at, change);
        }
        return seats;
    }

    private static int AssignedOn(List<List<(DateOnly From, bool Assigned, DateTimeOffset OccurredAt)>> seats, DateOnly day)
    {
        var assigned = 0;
        foreach (var history in seats)
        {
            if (IsAssigned(history, day))
            {
                assigned++;
            }
        }
        return assigned;
    }

    private static bool IsAssigned(List<(DateOnly From, bool Assigned, DateTimeOffset OccurredAt)> history, DateOnly day)
    {
        var assigned = false;
        foreach (var change in history)
        {
            if (change.From > day)
            {
                break;
            }

            assigned = change.Assigned;
        }

        return assigned;
    }
}
