using LicenceOps.Billing;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class InvoiceDocumentMapperTests
{
    internal static InvoiceRow Issued(string kind, string? exemption, decimal vat) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = Guid.NewGuid(),
        Kind = kind,
        Period = "2026-10",
        PeriodStart = new DateOnly(2026, 10, 1),
        PeriodEnd = new DateOnly(2026, 10, 31),
        Status = "issued",
        Number = kind == InvoiceKinds.Invoice ? "F-2026-000007" : "AV-2026-000002",
        IssueDate = new DateOnly(2026, 11, 23),
        DueDate = new DateOnly(2026, 12, 23),
        CreditReason = kind == InvoiceKinds.CreditNote ? "Siège facturé à tort" : null,
        VatCategory = exemption is null ? "S" : "AE",
        VatRate = vat,
        VatExemptionReason = exemption,
        BuyerJson = SnapshotJson.Serialize(new BuyerProfile(Guid.NewGuid(), "Client SA", "987654321", "FR12987654321", "FR", "2 place Bellecour", null, "69001", "Lyon", "compta@client.example")),
        SellerJson = SnapshotJson.Serialize(SellerSnapshot.From(new BillingOptions())),
        TotalExclVat = 103.09m,
        TotalVat = vat == 0 ? 0m : 20.62m,
        TotalInclVat = vat == 0 ? 103.09m : 123.71m,
        Currency = "EUR",
    };

    internal static readonly InvoiceLineRow[] Lines =
    [
        new() { LineNumber = 1, ProductGroup = "Anthropic", Description = "Claude Team (claude-team) - 4 siège(s)", PeriodStart = new DateOnly(2026, 10, 1),
            PeriodEnd = new DateOnly(2026, 10, 31), Quantity = 4m, Unit = "siège", UnitPriceExclVat = 25.7732m, VatCategory = "S", VatRate = 20m, NetAmount = 103.09m },
    ];

    private static readonly InvoiceRateRow[] UsdRate = [new() { Currency = "USD", UnitsPerEuro = 1.1155m, RateDate = new DateOnly(2024, 9, 26) }];

    [Test]
    public void An_invoice_carries_every_mandatory_mention()
    {
        var document = InvoiceDocumentMapper.Map(Issued(InvoiceKinds.Invoice, null, 20m), Lines, UsdRate, null);

        var mentions = string.Join("\n", document.LegalMentions);
        Assert.Multiple(() =>
        {
            Assert.That(document.Number, Is.EqualTo("F-2026-000007"));
            Assert.That((document.Seller.Name, document.Seller.Siren, document.Seller.VatNumber), Is.EqualTo(("LicenceOps Revendeur SAS", "123456782", "FR11123456782")));
            Assert.That((document.Buyer.Name, document.Buyer.Siren, document.Buyer.VatNumber), Is.EqualTo(("Client SA", "987654321", "FR12987654321")));
            Assert.That(mentions, Does.Contain("prestation de services"));
            Assert.That((document.PeriodStart, document.PeriodEnd), Is.EqualTo((new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31))));
            Assert.That(mentions, Does.Contain("30 jours").And.Contain("23/12/2026"));
            Assert.That(mentions, Does.Contain("Pénalités de retard : taux d'intérêt appliqué par la BCE"));
            Assert.That(mentions, Does.Contain("40 EUR"));
            Assert.That(mentions, Does.Contain("Pas d'escompte"));
            Assert.That(document.ExchangeRates, Is.EqualTo(new[] { new LicenceOps.Billing.Documents.ExchangeRateMention("USD", 1.1155m, new DateOnly(2024, 9, 26)) }));
            Assert.That(document.PaymentInstructions, Does.Contain("FR7630006000011234567890189").And.Contain("F-2026-000007").And.Contain("123,71"));
            Assert.That(document.VatBreakdown.Single(), Is.EqualTo(new LicenceOps.Billing.Documents.VatBreakdown("S", 20m, 103.09m, 20.62m, null)));
            Assert.That((document.TotalExclVat, document.TotalVat, document.TotalInclVat), Is.EqualTo((103.09m, 20.62m, 123.71m)));
            Assert.That(document.Lines.Single().UnitPriceExclVat, Is.EqualTo(25.7732m));
        });
    }

    [Test]
    public void Reverse_charge_prints_its_legal_basis()
    {
        var document = InvoiceDocumentMapper.Map(Issued(InvoiceKinds.Invoice, VatRules.ReverseChargeReason, 0m), Lines, [], null);

        Assert.That(document.LegalMentions, Does.Contain(VatRules.ReverseChargeReason));
        Assert.That(document.ExchangeRates, Is.Empty);
    }

    [Test]
    public void A_credit_note_references_the_original_and_asks_no_payment()
    {
        var document = InvoiceDocumentMapper.Map(Issued(InvoiceKinds.CreditNote, null, 20m), Lines, [],
            new CreditedInvoiceReference("F-2026-000007", new DateOnly(2026, 11, 23)));

        Assert.That(document.Kind, Is.EqualTo("credit-note"));
        Assert.That(document.CreditedInvoiceNumber, Is.EqualTo("F-2026-000007"));
        Assert.That(string.Join("\n", document.LegalMentions), Does.Contain("facture n° F-2026-000007 du 23/11/2026").And.Contain("Siège facturé à tort"));
        Assert.That(document.PaymentInstructions, Does.Contain("aucun paiement"));
    }

    [Test]
    public void A_draft_has_no_printable_form()
    {
        var draft = Issued(InvoiceKinds.Invoice, null, 20m);
        draft.Number = null;

        Assert.Throws<InvalidOperationException>(() => InvoiceDocumentMapper.Map(draft, Lines, [], null));
    }
}
