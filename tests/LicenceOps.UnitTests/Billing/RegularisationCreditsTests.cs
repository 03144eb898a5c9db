using LicenceOps.Billing.Features.Invoicing;

namespace LicenceOps.UnitTests.Billing;

public sealed class RegularisationCreditsTests
{
    private static readonly BillingPeriod November = new(2026, 11);
    private static readonly VatTreatment French = new("S", 20m, null, null);

    private static DraftLine Line(int number, DateOnly start, decimal net, string description = "ChatGPT Business") =>
        new(number, Guid.NewGuid(), "OpenAI", description, start, start.AddMonths(1).AddDays(-1), 1m, "forfait", net, "S", 20m, net);

    private static InvoiceDraft Draft(params DraftLine[] lines) =>
        new(November, French, lines, [], InvoiceTotals.Compute(lines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, null))));

    [Test]
    public void A_month_that_totals_zero_or_more_stays_one_invoice_with_its_deductions()
    {
        var draft = Draft(Line(1, November.Start, 55.00m), Line(2, new DateOnly(2026, 10, 1), -20.00m, "Régularisation (avoir) 10/2026 : x"));

        var documents = RegularisationCredits.Split(draft, null);

        Assert.That(documents.Invoice, Is.SameAs(draft));
        Assert.That(documents.Credits, Is.Empty);
    }

    [Test]
    public void Regularisations_exceeding_the_charges_become_credit_notes_per_corrected_month_and_the_invoice_keeps_the_charges()
    {
        var draft = Draft(
            Line(1, November.Start, 25.00m),
            Line(2, new DateOnly(2026, 9, 1), -30.00m, "Régularisation (avoir) 09/2026 : ChatGPT Business, changement enregistré après facturation"),
            Line(3, new DateOnly(2026, 10, 1), -112.50m, "Régularisation (avoir) 10/2026 : ChatGPT Business, changement enregistré après facturation"),
            Line(4, new DateOnly(2026, 10, 1), 5.00m, "Régularisation 10/2026 : Claude Team, changement enregistré après facturation"));
        Assert.That(draft.Totals.TotalExclVat, Is.EqualTo(-112.50m));

        var documents = RegularisationCredits.Split(draft, null);

        Assert.That(documents.Invoice!.Lines.Select(l => (l.LineNumber, l.NetAmount)), Is.EqualTo(new[] { (1, 25.00m), (2, 5.00m) }));
        Assert.That((documents.Invoice.Totals.TotalExclVat, documents.Invoice.Totals.TotalVat), Is.EqualTo((30.00m, 6.00m)));
        Assert.That(documents.Credits.Select(c => c.CorrectedPeriodStart), Is.EqualTo(new[] { new DateOnly(2026, 9, 1), new DateOnly(2026, 10, 1) }));
        var october = documents.Credits[1];
        Assert.That(october.Lines.Single().NetAmount, Is.EqualTo(112.50m), "a credit note states a positive amount given back");
        Assert.That(october.Lines.Single().LineNumber, Is.EqualTo(1));
        Assert.That(october.Lines.Single().Description, Does.StartWith("Régularisation 10/2026"));
        Assert.That(october.Reason, Does.Contain("10/2026").And.Contain("11/2026"));
        // Nothing is lost or counted twice: invoice minus credits is the month's original total.
        Assert.That(documents.Invoice.Totals.TotalExclVat - documents.Credits.Sum(c => c.Lines.Sum(l => l.NetAmount)), Is.EqualTo(draft.Totals.TotalExclVat));
    }

    [Test]
    public void A_month_with_only_a_credit_left_has_no_invoice()
    {
        var draft = Draft(Line(1, new DateOnly(2026, 10, 1), -27.50m, "Régularisation (avoir) 10/2026 : x"));

        var documents = RegularisationCredits.Split(draft, null);

        Assert.That(documents.Invoice, Is.Null);
        Assert.That(documents.Credits.Single().Lines.Single().NetAmount, Is.EqualTo(27.50m));
    }
}
