namespace LicenceOps.Billing.Features.ExchangeRates;

/// <summary>One ECB euro reference rate: <see cref="UnitsPerEuro"/> units of <see cref="Currency"/> buy 1 EUR.</summary>
public sealed record EcbRate(DateOnly Date, string Currency, decimal UnitsPerEuro);
