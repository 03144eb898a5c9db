namespace LicenceOps.Billing.Features.Pricing;

/// <summary>What Billing knows about a plan's price, from the subscription's commercial terms.</summary>
/// <param name="BillingCycle">The commitment term (monthly or annual); it does not change what a price means.</param>
/// <param name="PriceUnit">What the list and sale prices buy: <see cref="PriceUnits.PerSeatMonth"/> or <see cref="PriceUnits.PerSeatYear"/>.</param>
/// <param name="BillingFrequency">How the client pays: <see cref="BillingFrequencies.Monthly"/> or <see cref="BillingFrequencies.AnnualInAdvance"/>.</param>
public sealed record PlanPrice(
    string BillingCycle,
    decimal ListPrice,
    string ListPriceCurrency,
    bool ListPriceIncludesVat,
    decimal? SalePricePerSeatEur,
    string PriceUnit = PriceUnits.PerSeatMonth,
    string BillingFrequency = BillingFrequencies.Monthly);

public static class PriceUnits
{
    public const string PerSeatMonth = "per_seat_month";
    public const string PerSeatYear = "per_seat_year";
    public static readonly string[] All = [PerSeatMonth, PerSeatYear];

    public static int Months(string unit) => unit switch
    {
        PerSeatMonth => 1,
        PerSeatYear => 12,
        _ => throw new ArgumentException($"Unknown price unit \"{unit}\" (expected {PerSeatMonth} or {PerSeatYear}).", nameof(unit)),
    };
}

public static class BillingFrequencies
{
    public const string Monthly = "monthly";
    public const string AnnualInAdvance = "annual_in_advance";
    public static readonly string[] All = [Monthly, AnnualInAdvance];
}

/// <summary>A monthly unit price excl. VAT in EUR, with the exchange rate it was converted at (if any).</summary>
public sealed record MonthlySeatPrice(decimal UnitPriceExclVat, string? Currency, decimal? UnitsPerEuro, DateOnly? RateDate);

/// <summary>
/// Sale price of one seat for one month, excl. VAT, in EUR (rules in docs/billing-rounding.md):
/// a fixed EUR sale price wins; otherwise list price ÷ 1.20 when it includes VAT, ÷ ECB rate when in a
/// foreign currency, × (1 + margin); a price per seat per year is divided by 12, a price per seat per month is
/// taken as it is, whatever the commitment term (vendors publish annual plans "per user per month, billed
/// annually"). Only the result is rounded, to 4 decimals away from zero, so intermediate steps never lose precision.
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

        var monthsPerCycle = PriceUnits.Months(price.PriceUnit);
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

    private static bool IsEuro(string currency) => string.Equals(currency.Trim(), "EUR", StringComparison.OrdinalIgnoreCase);

    private static decimal Round(decimal value) => Math.Round(value, UnitPriceDecimals, MidpointRounding.AwayFromZero);
}

/// <summary>The ECB rate actually used for a conversion: <see cref="RateDate"/> may precede the asked date.</summary>
public sealed record EcbRateQuote(string Currency, decimal UnitsPerEuro, DateOnly RateDate);
