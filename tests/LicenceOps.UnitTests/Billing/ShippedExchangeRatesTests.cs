using LicenceOps.Billing.Features.ExchangeRates;
using LicenceOps.Billing.Features.Payments;
using LicenceOps.Billing.Features.Pricing;
using LicenceOps.Billing.Payments;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class ShippedExchangeRatesTests
{
    [Test]
    public void The_product_ships_ecb_rates_and_finds_the_latest_before_a_date()
    {
        Assert.That(ShippedExchangeRates.All.Count(), Is.GreaterThan(100));
        Assert.That(ShippedExchangeRates.LatestOnOrBefore("usd", new DateOnly(2026, 10, 31)), Is.EqualTo(new EcbRateQuote("USD", 1.1252m, new DateOnly(2025, 5, 9))));
        Assert.That(ShippedExchangeRates.LatestDate, Is.EqualTo(new DateOnly(2025, 5, 9)));
        // Easter Monday 2025 (TARGET holiday) has no row: the Thursday before is the latest.
        Assert.That(ShippedExchangeRates.LatestOnOrBefore("USD", new DateOnly(2025, 4, 21)), Is.EqualTo(new EcbRateQuote("USD", 1.136m, new DateOnly(2025, 4, 17))));
        Assert.That(ShippedExchangeRates.LatestOnOrBefore("GBP", new DateOnly(2025, 3, 31)), Is.EqualTo(new EcbRateQuote("GBP", 0.83536m, new DateOnly(2025, 3, 31))));
        // The design sample's day is still there, with the sample's values.
        Assert.That(ShippedExchangeRates.LatestOnOrBefore("USD", new DateOnly(2024, 9, 26)), Is.EqualTo(new EcbRateQuote("USD", 1.1155m, new DateOnly(2024, 9, 26))));
        Assert.That(ShippedExchangeRates.LatestOnOrBefore("USD", new DateOnly(2017, 3, 5)), Is.EqualTo(new EcbRateQuote("USD", 1.0565m, new DateOnly(2017, 3, 3))));
        Assert.That(ShippedExchangeRates.LatestOnOrBefore("USD", new DateOnly(2010, 1, 1)), Is.Null);
    }
}

public class PaymentMatchingTests
{
    [TestCase(1040.92, "EUR", 0, 1040.92, false, PaymentOutcome.Paid)]
    [TestCase(1040.92, "EUR", 0, 1.00, false, PaymentOutcome.Partial)]
    [TestCase(1040.92, "EUR", 1000.00, 40.92, false, PaymentOutcome.Paid)]
    [TestCase(1040.92, "USD", 0, 1.00, false, PaymentOutcome.Mismatched)]
    [TestCase(1040.92, "USD", 0, 1040.92, false, PaymentOutcome.Mismatched)]
    [TestCase(1040.92, "EUR", 0, 1040.93, false, PaymentOutcome.Mismatched)]
    [TestCase(1040.92, "EUR", 0, 1040.92, true, PaymentOutcome.Mismatched)]
    public void A_payment_settles_an_invoice_only_in_its_currency_and_amount(
        decimal due, string currency, decimal before, decimal amount, bool alreadyPaid, PaymentOutcome expected) =>
        Assert.That(PaymentMatching.Match("EUR", due, before, amount, currency, alreadyPaid), Is.EqualTo(expected));
}
