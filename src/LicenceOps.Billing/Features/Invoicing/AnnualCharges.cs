namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>One amount of an annual-in-advance subscription: seats paid from <see cref="Start"/> to the renewal.</summary>
/// <param name="Opening">True for the term year paid up front; false for seats added mid-term.</param>
/// <param name="YearDays">Days of the term year, the pro-rata basis.</param>
public sealed record AnnualCharge(DateOnly Start, DateOnly End, int Quantity, SubscriptionTermsVersion Terms, bool Opening, int YearDays)
{
    public int Days => End.DayNumber - Start.DayNumber + 1;
}

/// <summary>
/// Annual commitment paid in advance: the invoice of the month a term year starts (or the subscription's terms
/// begin) charges that year's seats up front, until the day before the next anniversary of the term start; a day
/// whose billed quantity rises above the year's highest so far charges the extra seats pro rata from that day to
/// the end of the term year. Seats released mid-term are not credited (the commitment holds until renewal).
/// </summary>
public static class AnnualCharges
{
    public static IReadOnlyList<AnnualCharge> Compute(
        BillingPeriod period, IReadOnlyList<SubscriptionTermsVersion> terms, IReadOnlyList<SeatChange> seatChanges)
    {
        var (termsOn, quantityOn) = SeatDays.Timeline(terms, seatChanges);
        var charges = new List<AnnualCharge>();
        var first = terms.Where(t => t.BilledAnnuallyInAdvance).Select(t => t.EffectiveDate).DefaultIfEmpty(period.Start).Min();
        // Replay from the start of the term year holding the period's first day: the year's high-water mark needs its earlier days.
        var replayFrom = termsOn(period.Start) is { } atStart ? YearOf(period.Start, atStart).Start : period.Start;
        if (first > replayFrom)
        {
            replayFrom = first;
        }

        var highWater = 0;
        DateOnly? currentYear = null;
        for (var day = replayFrom; day <= period.End; day = day.AddDays(1))
        {
            var inForce = termsOn(day);
            if (inForce is null || !inForce.BilledAnnuallyInAdvance)
            {
                currentYear = null;
                continue;
            }

            var (yearStart, yearEnd) = YearOf(day, inForce);
            var quantity = quantityOn(day);
            var opening = currentYear != yearStart;
            if (opening)
            {
                currentYear = yearStart;
                highWater = 0;
            }

            if (quantity > highWater)
            {
                if (day >= period.Start)
                {
                    charges.Add(new AnnualCharge(day, yearEnd, quantity - highWater, inForce, opening, yearEnd.DayNumber - yearStart.DayNumber + 1));
                }

                highWater = quantity;
            }
        }

        return charges;
    }

    /// <summary>The term year holding <paramref name="day"/>: from an anniversary of the term start to the day before the next.</summary>
    public static (DateOnly Start, DateOnly End) YearOf(DateOnly day, SubscriptionTermsVersion terms)
    {
        var termStart = terms.TermStart ?? terms.EffectiveDate;
        var years = day.Year - termStart.Year;
        var start = termStart.AddYears(years);
        if (start > day)
        {
            start = termStart.AddYears(years - 1);
        }

        return (start, start.AddYears(1).AddDays(-1));
    }
}
