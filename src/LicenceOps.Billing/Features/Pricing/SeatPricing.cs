namespace LicenceOps.Billing.Features.Pricing;

/// <summary>What Billing knows about a plan's price, from the subscription's commercial terms.</summary>
public sealed record PlanPrice(
    string BillingCycle,
    decimal ListPrice,
    string ListPriceCurrency,
    bool ListPriceIncludesVat,
    decimal? SalePricePerSeatEur);

/// <summary>A monthly unit price excl. VAT in EUR, with the exchange rate it was converted at (if any).</summary>
public sealed record MonthlySeatPrice(decimal UnitPriceExclVat, string? Currency, decimal? UnitsPerEuro, DateOnly? RateDate);

/// <summary>
/// Sale price of one seat for one month, excl. VAT, in EUR (rules in docs/billing-rounding.md):
/// a fixed EUR sale price wins; otherwise list price ÷ 1.20 when it includes VAT, ÷ ECB rate when in a
/// foreign currency, × (1 + margin). Annual prices are billed monthly at 1/12. Only the result is rounded,
/// to 4 decimals away from zero, so intermediate steps never lose precision.
/// </summary>
public static class SeatPricing
{
    public const decimal FrenchStandardVatDivisor = 1.20m;
    public const int UnitPriceDecimals = 4;

    public static bool NeedsExchangeRate(PlanPrice price) =>
        price.SalePricePerSeatEur is null && !IsEuro(price.ListPriceCurrency);

    public static MonthlySeatPrice MonthlyUnitPrice(PlanPrice price, decimal marginPercent, EcbRateQuote? rate)
    {
        if (marginPercent < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(marginPercent), "The margin cannot be negative.");
        }

        var monthsPerCycle = MonthsPerCycle(price.BillingCycle);
        if (price.SalePricePerSeatEur is { } fixedPrice)
        {
            return new MonthlySeatPrice(Round(fixedPrice / monthsPerCycle), null, null, null);
        }

        var exclVat = price.ListPriceIncludesVat ? price.ListPrice / FrenchStandardVatDivisor : price.ListPrice;
        string? currency = null;
        decimal? unitsPerEuro = null;
        DateOnly? rateDate = null;
        if (!IsEuro(price.ListPriceCurrency))
        {
            if (rate is null || !string.Equals(rate.Currency, price.ListPriceCurrency, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"A {price.ListPriceCurrency} list price needs the {price.ListPriceCurrency} ECB rate.");
            }

            exclVat /= rate.UnitsPerEuro;
            currency = rate.Currency;
            unitsPerEuro = rate.UnitsPerEuro;
            rateDate = rate.RateDate;
        }

        var withMargin = exclVat * (1m + marginPercent / 100m);
        return new MonthlySeatPrice(Round(withMargin / monthsPerCycle), currency, unitsPerEuro, rateDate);
    }

    public static int MonthsPerCycle(string billingCycle) => billingCycle.Trim().ToLowerInvariant() switch
    {
        "monthly" => 1,
        "annual" or "annually" or "yearly" => 12,
        _ => throw new ArgumentException($"Unknown billing cycle \"{billingCycle}\" (expected monthly or annual).", nameof(billingCycle)),
    };

    private static bool IsEuro(string currency) => string.Equals(currency.Trim(), "EUR", StringComparison.OrdinalIgnoreCase);

    private static decimal Round(decimal value) => Math.Round(value, UnitPriceDecimals, MidpointRounding.AwayFromZero);
}

/// <summary>The ECB rate actually used for a conversion: <see cref="RateDate"/> may precede the asked date.</summary>
public sealed record EcbRateQuote(string Currency, decimal UnitsPerEuro, DateOnly RateDate);
