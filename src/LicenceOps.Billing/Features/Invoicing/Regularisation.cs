using System.Globalization;

using LicenceOps.Billing.Features.Pricing;

namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>
/// A change recorded after a month was invoiced but dated inside it (a seat assigned since the 15th, a quantity
/// raised from the 10th) is billed, or credited, on the next invoice as its own line naming the month. The amount is
/// what the month owes with everything known now, minus what it owed with what was known when it was invoiced,
/// minus what earlier regularisations already billed for it. Both sides are priced by today's rules and the month's
/// own exchange rates, so only late changes count (never a pricing change), and a change is never billed twice.
/// </summary>
public static class Regularisation
{
    public const string Unit = "forfait";

    public static IReadOnlyList<InvoiceDraftBuilder.PricedCharge> Compute(
        BillingPeriod period,
        IReadOnlyList<SubscriptionHistory> knownNow,
        DateTimeOffset invoicedAt,
        IReadOnlyDictionary<Guid, decimal> alreadyRegularised,
        decimal marginPercent,
        Func<string, EcbRateQuote?> rateOnPeriodEnd)
    {
        var knownThen = knownNow
            .Select(h => h with
            {
                // What Billing had received when the month was drafted, not when Seats published it: an event still in
                // flight at drafting time was not on the invoice and must be regularised.
                Terms = h.Terms.Where(t => (t.RecordedAt ?? t.OccurredAt) <= invoicedAt).ToList(),
                SeatChanges = h.SeatChanges.Where(c => (c.RecordedAt ?? c.OccurredAt) <= invoicedAt).ToList(),
            })
            .ToList();
        var rates = new Dictionary<string, EcbRateQuote>(StringComparer.OrdinalIgnoreCase);
        var now = InvoiceDraftBuilder.Charges(period, knownNow, marginPercent, rateOnPeriodEnd, rates);
        var then = InvoiceDraftBuilder.Charges(period, knownThen, marginPercent, rateOnPeriodEnd, rates);

        var result = new List<InvoiceDraftBuilder.PricedCharge>();
        foreach (var subscription in knownNow)
        {
            var id = subscription.SubscriptionId;
            var difference = now.Where(c => c.Terms.SubscriptionId == id).Sum(c => c.Net)
                - then.Where(c => c.Terms.SubscriptionId == id).Sum(c => c.Net)
                - alreadyRegularised.GetValueOrDefault(id);
            if (difference == 0)
            {
                continue;
            }

            var terms = subscription.Terms.OrderBy(t => t.EffectiveDate).ThenBy(t => t.OccurredAt).LastOrDefault(t => t.EffectiveDate <= period.End);
            if (terms is null)
            {
                continue;
            }

            var label = difference > 0 ? "Régularisation" : "Régularisation (avoir)";
            result.Add(new InvoiceDraftBuilder.PricedCharge(terms, period.Start, period.End, 1, Unit, difference, difference,
                string.Create(CultureInfo.GetCultureInfo("fr-FR"), $"{label} {period.Start:MM/yyyy} : {terms.PlanName}, changement enregistré après facturation")));
        }

        return result;
    }
}
