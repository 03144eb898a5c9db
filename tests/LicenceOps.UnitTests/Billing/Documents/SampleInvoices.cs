using LicenceOps.Billing.Documents;

namespace LicenceOps.UnitTests.Billing.Documents;

internal static class SampleInvoices
{
    public static readonly PartyDetails Seller = new(
        "LicenceOps Services SAS", "12 rue de la Paix", null, "75002", "Paris", "FR", "912345678", "FR32912345678");

    public static readonly PartyDetails Buyer = new(
        "Acme Conseil SAS", "8 avenue des Ternes", "Bâtiment B", "75017", "Paris", "FR", "552100554", "FR40552100554");

    public static readonly string[] Mentions =
    [
        "Catégorie de l'opération : prestation de services.",
        "Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité forfaitaire pour frais de recouvrement : 40 €.",
        "Escompte pour paiement anticipé : néant.",
    ];

    /// <summary>A French 20 % invoice with <paramref name="lineCount"/> seat lines spread over three product groups.</summary>
    public static InvoiceDocument French(int lineCount)
    {
        var groups = new[] { "ChatGPT Business", "Claude Team", "Microsoft 365 Copilot" };
        var lines = Enumerable.Range(1, lineCount).Select(i =>
        {
            var quantity = 1 + i % 7;
            var unitPrice = 25.30m + i;
            return new InvoiceDocumentLine(
                groups[(i - 1) * groups.Length / lineCount],
                $"Licence ligne {i:000} — siège standard, espace de travail acme-conseil.fr",
                new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30),
                quantity, "siège", unitPrice, 20m, quantity * unitPrice);
        }).ToList();
        var net = lines.Sum(l => l.NetAmount);
        var vat = decimal.Round(net * 0.20m, 2, MidpointRounding.AwayFromZero);
        return new InvoiceDocument(
            "invoice", "F-2026-000123",
            new DateOnly(2026, 11, 23), new DateOnly(2026, 12, 23),
            new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30),
            null, Seller, Buyer, lines,
            [new VatBreakdown("S", 20m, net, vat, null)],
            net, vat, net + vat,
            [new ExchangeRateMention("USD", 1.0842m, new DateOnly(2026, 11, 21))],
            Mentions,
            "Prélèvement SEPA ou carte bancaire via le lien de paiement envoyé par e-mail. IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP.");
    }

    public static InvoiceDocument GermanCreditNote() => new(
        "credit-note", "A-2026-000007",
        new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 23),
        new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30),
        "F-2026-000101", Seller,
        new PartyDetails("Nordwind Logistik GmbH", "Hafenstraße 5", null, "20457", "Hamburg", "DE", null, "DE123456789"),
        [new InvoiceDocumentLine("Claude Team", "Annulation de 2 sièges Claude Team", new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), -2m, "siège", 1234.5m, 0m, -2469m)],
        [new VatBreakdown("AE", 0m, -2469m, 0m, "Autoliquidation — art. 196 de la directive 2006/112/CE")],
        -2469m, 0m, -2469m,
        [],
        Mentions,
        "Montant porté au crédit de votre compte client.");
}
