using LicenceOps.Billing.Features.Invoicing;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class VatAndTotalsTests
{
    [TestCase("FR", "FR32123456782", "S", 20)]
    [TestCase("FR", null, "S", 20)]
    [TestCase("MC", null, "S", 20)]
    [TestCase("DE", "DE123456789", "AE", 0)]
    [TestCase("de", "de 123 456 789", "AE", 0)]
    [TestCase("GR", "EL123456789", "AE", 0)]
    [TestCase("DE", null, "S", 20)]
    [TestCase("DE", "FR32123456782", "S", 20)]
    [TestCase("CH", "CHE-123.456.789", "G", 0)]
    [TestCase("US", null, "G", 0)]
    public void Vat_category_follows_buyer_country_and_vat_number(string country, string? vat, string category, decimal rate)
    {
        var treatment = VatRules.Determine(country, vat);

        Assert.That((treatment.Category, treatment.Rate), Is.EqualTo((category, rate)));
    }

    [Test]
    public void Zero_rates_state_their_legal_reason()
    {
        Assert.That(VatRules.Determine("DE", "DE123456789").ExemptionReason, Does.Contain("Autoliquidation").And.Contain("196"));
        Assert.That(VatRules.Determine("CH", null).ExemptionReason, Is.EqualTo(VatRules.OutsideEuReason).And.Contain("hors champ de la TVA française, art. 259-1 du CGI"));
        Assert.That(VatRules.Determine("FR", null).ExemptionReason, Is.Null);
    }

    [Test]
    public void Vat_is_computed_on_the_sum_of_lines_not_per_line()
    {
        // Three lines of 0.03: per line 3 × 0.01 (0.006 rounds up) = 0.03; on the sum 0.09 × 20 % = 0.018 → 0.02.
        var totals = InvoiceTotals.Compute(Enumerable.Repeat(new TaxedAmount("S", 20m, 0.03m, null), 3));

        Assert.That(totals.TotalVat, Is.EqualTo(0.02m));
        Assert.That(totals.TotalInclVat, Is.EqualTo(0.11m));
    }

    [Test]
    public void Totals_add_up_per_rate()
    {
        var totals = InvoiceTotals.Compute([
            new TaxedAmount("S", 20m, 146.67m, null),
            new TaxedAmount("S", 20m, 141.17m, null),
            new TaxedAmount("AE", 0m, 100m, "Autoliquidation"),
        ]);

        Assert.That(totals.VatGroups, Is.EqualTo(new[]
        {
            new VatGroup("AE", 0m, 100m, 0m, "Autoliquidation"),
            new VatGroup("S", 20m, 287.84m, 57.57m, null),
        }));
        Assert.That((totals.TotalExclVat, totals.TotalVat, totals.TotalInclVat), Is.EqualTo((387.84m, 57.57m, 445.41m)));
    }

    [TestCase(10, "27.5", 16, 30, "146.67")]
    [TestCase(11, "27.5", 14, 30, "141.17")]
    [TestCase(1, "0.0150", 30, 30, "0.02")]
    [TestCase(1, "10", 1, 3, "3.33")]
    [TestCase(1, "0.05", 1, 2, "0.03")]
    public void Pro_rata_line_amounts_round_once_half_away_from_zero(int quantity, decimal unitPrice, int days, int daysInMonth, decimal expected)
    {
        Assert.That(Money.ProRataNet(quantity, unitPrice, days, daysInMonth), Is.EqualTo(expected));
    }

    [Test]
    public void Numbers_are_formatted_per_series()
    {
        Assert.That(InvoiceNumbering.Format(InvoiceKinds.Invoice, new DateOnly(2026, 12, 1), 1), Is.EqualTo("F-2026-000001"));
        Assert.That(InvoiceNumbering.Format(InvoiceKinds.CreditNote, new DateOnly(2027, 1, 3), 42), Is.EqualTo("AV-2027-000042"));
        Assert.That(InvoiceKinds.TypeCode(InvoiceKinds.CreditNote), Is.EqualTo("381"));
        Assert.That(InvoiceKinds.TypeCode(InvoiceKinds.Invoice), Is.EqualTo("380"));
        Assert.Throws<ArgumentOutOfRangeException>(() => InvoiceNumbering.Format(InvoiceKinds.Invoice, new DateOnly(2026, 1, 1), 0));
    }
}
