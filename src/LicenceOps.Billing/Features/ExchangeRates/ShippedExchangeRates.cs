using LicenceOps.Billing.Features.Pricing;

namespace LicenceOps.Billing.Features.ExchangeRates;

/// <summary>
/// The ECB reference rates embedded in the product (Features/ExchangeRates/Shipped), read once. They let a first
/// run without internet convert foreign list prices; rates the daily job or staff store later always win.
/// </summary>
public static class ShippedExchangeRates
{
    private const string ResourcePrefix = "LicenceOps.Billing.ShippedRates.";

    private static readonly Lazy<ILookup<string, EcbRate>> ByCurrency = new(Load);

    public static IEnumerable<EcbRate> All => ByCurrency.Value.SelectMany(g => g);

    /// <summary>The day of the newest shipped rate, or null when nothing is shipped.</summary>
    public static DateOnly? LatestDate => All.Select(r => (DateOnly?)r.Date).Max();

    /// <summary>The latest shipped rate of <paramref name="currency"/> on or before <paramref name="date"/>.</summary>
    public static EcbRateQuote? LatestOnOrBefore(string currency, DateOnly date) =>
        ByCurrency.Value[currency.ToUpperInvariant()]
            .Where(r => r.Date <= date)
            .OrderByDescending(r => r.Date)
            .Select(r => new EcbRateQuote(r.Currency, r.UnitsPerEuro, r.Date))
            .FirstOrDefault();

    private static ILookup<string, EcbRate> Load()
    {
        var assembly = typeof(ShippedExchangeRates).Assembly;
        var rates = new List<EcbRate>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            rates.AddRange(EcbRateParser.Parse(reader.ReadToEnd()));
        }

        // Several files may hold the same day: one rate per (currency, day).
        return rates.DistinctBy(r => (r.Currency, r.Date)).ToLookup(r => r.Currency);
    }
}
