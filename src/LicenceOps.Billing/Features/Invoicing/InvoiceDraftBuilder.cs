using System.Globalization;
using LicenceOps.Billing.Features.Pricing;

namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>
/// The buyer as Billing's read copy knows it (fed by TenantProfileChanged). <see cref="Siret"/> (the invoiced
/// establishment) came later: buyer snapshots of invoices drafted before it read back null and print the SIREN.
/// </summary>
public sealed record BuyerProfile(
    Guid TenantId,
    string LegalName,
    string? Siren,
    string? VatNumber,
    string CountryCode,
    string AddressLine1,
    string? AddressLine2,
    string PostalCode,
    string City,
    string BillingEmail,
    string? Siret = null);

public sealed record SubscriptionHistory(
    Guid SubscriptionId, IReadOnlyList<SubscriptionTermsVersion> Terms, IReadOnlyList<SeatChange> SeatChanges);

public sealed record DraftLine(
    int LineNumber,
    Guid? SubscriptionId,
    string ProductGroup,
    string Description,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    decimal Quantity,
    string Unit,
    decimal UnitPriceExclVat,
    string VatCategory,
    decimal VatRate,
    decimal NetAmount);

public sealed record InvoiceDraft(
    BillingPeriod Period,
    VatTreatment Vat,
    IReadOnlyList<DraftLine> Lines,
    IReadOnlyList<EcbRateQuote> ExchangeRates,
    InvoiceTotals Totals);

public sealed class MissingExchangeRateException(string currency, DateOnly date)
    : Exception($"No ECB {currency} rate is known on or shortly before {date:yyyy-MM-dd}; load the rates first.")
{
    public string Currency { get; } = currency;
    public DateOnly Date { get; } = date;
}

/// <summary>
/// Turns a month of seat-days into invoice lines: one line per subscription and run of days billed at the
/// same quantity and terms. Foreign list prices convert at the ECB rate of the period's last day (or the
/// latest business day before it), the same rate for the whole invoice.
/// </summary>
public static class InvoiceDraftBuilder
{
    public const string SeatUnit = "siège";

    public const string SeatYearUnit = "siège/an";

    public static InvoiceDraft Build(
        BillingPeriod period,
        BuyerProfile buyer,
        IEnumerable<SubscriptionHistory> subscriptions,
        decimal marginPercent,
        Func<string, EcbRateQuote?> rateOnPeriodEnd,
        IReadOnlyList<PricedCharge>? regularisations = null)
    {
        var vat = VatRules.Determine(buyer.CountryCode, buyer.VatNumber);
        var rates = new Dictionary<string, EcbRateQuote>(StringComparer.OrdinalIgnoreCase);
        var charges = Charges(period, subscriptions, marginPercent, rateOnPeriodEnd, rates);
        var lines = ToLines(charges, vat, startAt: 1);
        // Regularisations of earlier months come last, each its own line naming its month.
        lines.AddRange(ToLines(regularisations ?? [], vat, startAt: lines.Count + 1));
        var totals = InvoiceTotals.Compute(lines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, vat.ExemptionReason)));
        return new InvoiceDraft(period, vat, lines, rates.Values.OrderBy(r => r.Currency, StringComparer.Ordinal).ToList(), totals);
    }

    /// <summary>One priced amount of a subscription in a period, before it becomes a numbered line.</summary>
    public sealed record PricedCharge(
        SubscriptionTermsVersion Terms, DateOnly Start, DateOnly End, int Quantity, string Unit, decimal UnitPrice, decimal Net, string Description);

    /// <summary>What <paramref name="period"/> owes for these subscriptions, as known now (also used to recompute a past period).</summary>
    public static IReadOnlyList<PricedCharge> Charges(
        BillingPeriod period,
        IEnumerable<SubscriptionHistory> subscriptions,
        decimal marginPercent,
        Func<string, EcbRateQuote?> rateOnPeriodEnd,
        Dictionary<string, EcbRateQuote> rates)
    {
        MonthlySeatPrice Price(SubscriptionTermsVersion terms)
        {
            EcbRateQuote? rate = null;
            if (SeatPricing.NeedsExchangeRate(terms.Price))
            {
                var currency = terms.Price.ListPriceCurrency.ToUpperInvariant();
                if (!rates.TryGetValue(currency, out rate))
                {
                    rate = rateOnPeriodEnd(currency) ?? throw new MissingExchangeRateException(currency, period.End);
                    rates[currency] = rate;
                }
            }

            return SeatPricing.MonthlyUnitPrice(terms.Price, marginPercent, rate);
        }

        var charges = new List<PricedCharge>();
        foreach (var subscription in subscriptions)
        {
            foreach (var run in SeatDays.Compute(period, subscription.Terms, subscription.SeatChanges))
            {
                var unit = Price(run.Terms).UnitPriceExclVat;
                var text = run.Days == period.Days
                    ? run.Terms.PlanName
                    : string.Create(French, $"{run.Terms.PlanName}, prorata {run.Days}/{period.Days} j");
                charges.Add(new PricedCharge(run.Terms, run.Start, run.End, run.Quantity, SeatUnit, unit,
                    Money.ProRataNet(run.Quantity, unit, run.Days, period.Days), text));
            }

            foreach (var charge in AnnualCharges.Compute(period, subscription.Terms, subscription.SeatChanges))
            {
                // Vendors' annual prices are "per user per month, billed annually": the year is 12 monthly prices.
                var unit = Price(charge.Terms).UnitPriceExclVat * 12;
                var text = charge.Opening
                    ? charge.Days == charge.YearDays
                        ? string.Create(French, $"{charge.Terms.PlanName}, année payable d'avance")
                        : string.Create(French, $"{charge.Terms.PlanName}, année payable d'avance, prorata {charge.Days}/{charge.YearDays} j")
                    : string.Create(French, $"{charge.Terms.PlanName}, sièges ajoutés, prorata {charge.Days}/{charge.YearDays} j");
                charges.Add(new PricedCharge(charge.Terms, charge.Start, charge.End, charge.Quantity, SeatYearUnit, unit,
                    Money.ProRataNet(charge.Quantity, unit, charge.Days, charge.YearDays), text));
            }
        }

        return charges;
    }

    public static List<DraftLine> ToLines(IEnumerable<PricedCharge> charges, VatTreatment vat, int startAt) =>
        charges
            .OrderBy(c => c.Terms.VendorName, StringComparer.Ordinal)
            .ThenBy(c => c.Terms.PlanName, StringComparer.Ordinal)
            .ThenBy(c => c.Terms.SubscriptionId)
            .ThenBy(c => c.Start)
            .Select((c, index) => new DraftLine(
                startAt + index, c.Terms.SubscriptionId, c.Terms.VendorName, c.Description, c.Start, c.End,
                c.Quantity, c.Unit, c.UnitPrice, vat.Category, vat.Rate, c.Net))
            .ToList();

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
}
