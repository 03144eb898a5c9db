using System.Globalization;
using LicenceOps.Billing.Features.Pricing;

namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>The buyer as Billing's read copy knows it (fed by TenantProfileChanged).</summary>
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
    string BillingEmail);

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

    public static InvoiceDraft Build(
        BillingPeriod period,
        BuyerProfile buyer,
        IEnumerable<SubscriptionHistory> subscriptions,
        decimal marginPercent,
        Func<string, EcbRateQuote?> rateOnPeriodEnd)
    {
        var vat = VatRules.Determine(buyer.CountryCode, buyer.VatNumber);
        var rates = new Dictionary<string, EcbRateQuote>(StringComparer.OrdinalIgnoreCase);
        var priced = new List<(BillableRun Run, MonthlySeatPrice Price)>();
        foreach (var subscription in subscriptions)
        {
            foreach (var run in SeatDays.Compute(period, subscription.Terms, subscription.SeatChanges))
            {
                EcbRateQuote? rate = null;
                if (SeatPricing.NeedsExchangeRate(run.Terms.Price))
                {
                    var currency = run.Terms.Price.ListPriceCurrency.ToUpperInvariant();
                    if (!rates.TryGetValue(currency, out rate))
                    {
                        rate = rateOnPeriodEnd(currency) ?? throw new MissingExchangeRateException(currency, period.End);
                        rates[currency] = rate;
                    }
                }

                priced.Add((run, SeatPricing.MonthlyUnitPrice(run.Terms.Price, marginPercent, rate)));
            }
        }

        var lines = priced
            .OrderBy(p => p.Run.Terms.VendorName, StringComparer.Ordinal)
            .ThenBy(p => p.Run.Terms.PlanName, StringComparer.Ordinal)
            .ThenBy(p => p.Run.Terms.SubscriptionId)
            .ThenBy(p => p.Run.Start)
            .Select((p, index) => new DraftLine(
                index + 1,
                p.Run.Terms.SubscriptionId,
                p.Run.Terms.VendorName,
                Describe(p.Run, period),
                p.Run.Start,
                p.Run.End,
                p.Run.Quantity,
                SeatUnit,
                p.Price.UnitPriceExclVat,
                vat.Category,
                vat.Rate,
                Money.ProRataNet(p.Run.Quantity, p.Price.UnitPriceExclVat, p.Run.Days, period.Days)))
            .ToList();

        var totals = InvoiceTotals.Compute(lines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, vat.ExemptionReason)));
        return new InvoiceDraft(period, vat, lines, rates.Values.OrderBy(r => r.Currency, StringComparer.Ordinal).ToList(), totals);
    }

    private static string Describe(BillableRun run, BillingPeriod period)
    {
        var french = CultureInfo.GetCultureInfo("fr-FR");
        var text = string.Create(french, $"{run.Terms.PlanName} ({run.Terms.PlanCode}) - {run.Quantity} siège(s) du {run.Start:dd/MM/yyyy} au {run.End:dd/MM/yyyy}");
        if (run.Days != period.Days)
        {
            text += string.Create(french, $", prorata {run.Days}/{period.Days} jours");
        }

        if (SeatPricing.MonthsPerCycle(run.Terms.Price.BillingCycle) == 12)
        {
            text += ", abonnement annuel facturé par douzièmes";
        }

        return text;
    }
}
