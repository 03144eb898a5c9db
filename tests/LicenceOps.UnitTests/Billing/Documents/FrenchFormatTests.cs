using LicenceOps.Billing.Documents;

namespace LicenceOps.UnitTests.Billing.Documents;

public sealed class FrenchFormatTests
{
    private const char Nbsp = '\u00A0';

    [TestCase("1234.56", "1 234,56 €")]
    [TestCase("1234567.8", "1 234 567,80 €")]
    [TestCase("0", "0,00 €")]
    [TestCase("-2469", "-2 469,00 €")]
    [TestCase("0.005", "0,01 €")]
    [TestCase("-0.005", "-0,01 €")]
    [TestCase("999.994", "999,99 €")]
    public void Money_is_printed_the_french_way_rounded_half_away_from_zero(string amount, string expected) =>
        Assert.That(FrenchFormat.Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(expected.Replace(' ', Nbsp)));

    [TestCase("25.185", "25,185 €")]
    [TestCase("30", "30,00 €")]
    [TestCase("1234.5", "1 234,50 €")]
    public void Unit_prices_keep_up_to_four_decimals(string price, string expected) =>
        Assert.That(FrenchFormat.UnitPrice(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(expected.Replace(' ', Nbsp)));

    [Test]
    public void Rates_quantities_exchange_rates_and_dates()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FrenchFormat.Percent(20m), Is.EqualTo($"20{Nbsp}%"));
            Assert.That(FrenchFormat.Percent(5.5m), Is.EqualTo($"5,5{Nbsp}%"));
            Assert.That(FrenchFormat.Quantity(2.5m), Is.EqualTo("2,5"));
            Assert.That(FrenchFormat.Quantity(1200m), Is.EqualTo($"1{Nbsp}200"));
            Assert.That(FrenchFormat.ExchangeRate(1.0842m), Is.EqualTo("1,0842"));
            Assert.That(FrenchFormat.ExchangeRate(161.25m), Is.EqualTo("161,2500"));
            Assert.That(FrenchFormat.Date(new DateOnly(2026, 11, 21)), Is.EqualTo("21/11/2026"));
        });
    }
}
