using LicenceOps.Billing.Features.Pricing;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class SeatPricingTests
{
    private static readonly EcbRateQuote UsdJuly8 = new("USD", 1.0163m, new DateOnly(2022, 7, 8));

    [Test]
    public void A_fixed_euro_sale_price_is_used_as_is()
    {
        var price = SeatPricing.MonthlyUnitPrice(new PlanPrice("monthly", 25m, "USD", false, 27.50m), 15m, null);

        Assert.That(price, Is.EqualTo(new MonthlySeatPrice(27.50m, null, null, null)));
    }

    [Test]
    public void A_euro_list_price_including_vat_is_divided_by_1_20_then_marked_up()
    {
        var price = SeatPricing.MonthlyUnitPrice(new PlanPrice("monthly", 24m, "EUR", true, null), 15m, null);

        Assert.That(price.UnitPriceExclVat, Is.EqualTo(23.0000m));
    }

    [Test]
    public void A_usd_list_price_converts_at_the_ecb_rate_then_rounds_to_four_decimals()
    {
        // 25 / 1.0163 × 1.15 = 28.28889107...
        var price = SeatPricing.MonthlyUnitPrice(new PlanPrice("monthly", 25m, "USD", false, null), 15m, UsdJuly8);

        Assert.That(price, Is.EqualTo(new MonthlySeatPrice(28.2889m, "USD", 1.0163m, new DateOnly(2022, 7, 8))));
    }

    [Test]
    public void A_usd_price_including_vat_is_normalised_before_conversion()
    {
        // 30 / 1.20 = 25 USD excl. VAT, same as above.
        var price = SeatPricing.MonthlyUnitPrice(new PlanPrice("monthly", 30m, "USD", true, null), 15m, UsdJuly8);

        Assert.That(price.UnitPriceExclVat, Is.EqualTo(28.2889m));
    }

    [Test]
    public void An_annual_commitment_priced_per_seat_per_month_is_not_divided()
    {
        // Microsoft 365 Copilot: 30 USD "per user per month, billed annually" — never 30 / 12 a month.
        var copilot = SeatPricing.MonthlyUnitPrice(new PlanPrice("annual", 30m, "USD", false, null), 15m, UsdJuly8);

        Assert.That(copilot.UnitPriceExclVat, Is.EqualTo(33.9467m), "30 / 1.0163 × 1.15");
    }

    [Test]
    public void A_price_per_seat_per_year_is_billed_monthly_at_one_twelfth()
    {
        var fromList = SeatPricing.MonthlyUnitPrice(new PlanPrice("annual", 300m, "EUR", false, null, PriceUnits.PerSeatYear), 15m, null);
        var fromFixed = SeatPricing.MonthlyUnitPrice(new PlanPrice("annual", 300m, "EUR", false, 100m, PriceUnits.PerSeatYear), 15m, null);

        Assert.That(fromList.UnitPriceExclVat, Is.EqualTo(28.75m));
        Assert.That(fromFixed.UnitPriceExclVat, Is.EqualTo(8.3333m));
    }

    [Test]
    public void A_foreign_price_without_its_rate_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() =>
            SeatPricing.MonthlyUnitPrice(new PlanPrice("monthly", 25m, "USD", false, null), 15m, null));
        Assert.Throws<InvalidOperationException>(() =>
            SeatPricing.MonthlyUnitPrice(new PlanPrice("monthly", 25m, "GBP", false, null), 15m, UsdJuly8));
    }

    [Test]
    public void Unknown_price_units_are_refused() =>
        Assert.Throws<ArgumentException>(() => SeatPricing.MonthlyUnitPrice(new PlanPrice("monthly", 25m, "EUR", false, null, "per_seat_week"), 15m, null));
}
