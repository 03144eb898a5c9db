using LicenceOps.Billing;
using LicenceOps.Billing.Documents;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Pricing;

namespace LicenceOps.UnitTests.Billing.FacturX;

/// <summary>
/// The documents the issue asks to validate, built the way production builds them: seat history →
/// <see cref="InvoiceDraftBuilder"/> → stored rows → <see cref="InvoiceDocumentMapper"/>.
/// </summary>
internal static class FacturXScenarios
{
    private static readonly BillingPeriod November = new(2026, 11);
    private static readonly DateTimeOffset Earlier = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid ChatGpt = Guid.Parse("11111111-0000-0000-0000-000000000001");
    private static readonly Guid Claude = Guid.Parse("22222222-0000-0000-0000-000000000002");
    private static readonly DateOnly IssueDate = new(2026, 12, 1);

    public static readonly string[] Names = ["fr-s-20", "de-ae-reverse-charge", "ch-outside-eu", "fr-credit-note", "fr-usd-plan"];

    public static InvoiceDocument Build(string name) => name switch
    {
        "fr-s-20" => Invoice(Buyer("FR", "Atelier Lumière SARL", "552100554", "FR40552100554", "8 avenue des Ternes", "75017", "Paris"), [Claude10(), ChatGptEur(3)]),
        "de-ae-reverse-charge" => Invoice(Buyer("DE", "Nordwind Logistik GmbH", null, "DE123456789", "Hafenstraße 5", "20457", "Hamburg"), [Claude10()]),
        "ch-outside-eu" => Invoice(Buyer("CH", "Alpenblick AG", null, "CHE-123.456.788 MWST", "Bahnhofstrasse 1", "8001", "Zürich"), [ChatGptEur(4)]),
        "fr-credit-note" => CreditNote(),
        "fr-usd-plan" => Invoice(Buyer("FR", "Atelier Lumière SARL", "552100554", "FR40552100554", "8 avenue des Ternes", "75017", "Paris"), [ChatGptUsd()],
            new EcbRateQuote("USD", 1.0542m, new DateOnly(2026, 11, 30))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown scenario"),
    };

    private static BuyerProfile Buyer(string country, string name, string? siren, string? vat, string street, string postcode, string city) =>
        new(Guid.NewGuid(), name, siren, vat, country, street, null, postcode, city, "compta@client.example");

    private static SubscriptionHistory Claude10()
    {
        var price = new PlanPrice("monthly", 30m, "EUR", false, null);
        // 8 seats all month, 2 more from the 16th: a full-month line and a pro-rata line.
        return new SubscriptionHistory(Claude,
            [new SubscriptionTermsVersion(Claude, "Anthropic", "claude-team", "Claude Team", 8, new DateOnly(2026, 1, 1), price, Earlier)],
            Enumerable.Range(1, 10).Select(n => new SeatChange(new Guid($"00000000-0000-0000-0002-{n:D12}"), true,
                n <= 8 ? new DateOnly(2026, 1, 1) : new DateOnly(2026, 11, 16), Earlier)).ToList());
    }

    private static SubscriptionHistory ChatGptEur(int seats) => ChatGptTeam(seats, new PlanPrice("monthly", 25m, "USD", false, 27.50m));

    private static SubscriptionHistory ChatGptUsd() => ChatGptTeam(5, new PlanPrice("monthly", 25m, "USD", false, null));

    private static SubscriptionHistory ChatGptTeam(int seats, PlanPrice price) =>
        new(ChatGpt,
            [new SubscriptionTermsVersion(ChatGpt, "OpenAI", "chatgpt-team", "ChatGPT Team", seats, new DateOnly(2026, 1, 1), price, Earlier)],
            Enumerable.Range(1, seats).Select(n => new SeatChange(new Guid($"00000000-0000-0000-0001-{n:D12}"), true, new DateOnly(2026, 1, 1), Earlier)).ToList());

    private static InvoiceDocument Invoice(BuyerProfile buyer, SubscriptionHistory[] subscriptions, EcbRateQuote? rate = null)
    {
        var (row, lines, rates) = Issue(buyer, subscriptions, rate, "F-2026-000042");
        return InvoiceDocumentMapper.Map(row, lines, rates, null);
    }

    private static InvoiceDocument CreditNote()
    {
        var buyer = Buyer("FR", "Atelier Lumière SARL", "552100554", "FR40552100554", "8 avenue des Ternes", "75017", "Paris");
        var (original, lines, _) = Issue(buyer, [Claude10()], null, "F-2026-000041");
        // Credits the second line whole, as CreditNotes does: same VAT, lines re-numbered, positive amounts (type 381).
        var credited = lines[1];
        var creditLine = new InvoiceLineRow
        {
            LineNumber = 1, ProductGroup = credited.ProductGroup, Description = $"Avoir sur ligne {credited.LineNumber} : {credited.Description}",
            PeriodStart = credited.PeriodStart, PeriodEnd = credited.PeriodEnd, Quantity = credited.Quantity, Unit = credited.Unit,
            UnitPriceExclVat = credited.UnitPriceExclVat, VatCategory = credited.VatCategory, VatRate = credited.VatRate,
            NetAmount = credited.NetAmount, CreditedLineNumber = credited.LineNumber,
        };
        var totals = InvoiceTotals.Compute([new TaxedAmount(creditLine.VatCategory, creditLine.VatRate, creditLine.NetAmount, original.VatExemptionReason)]);
        var note = Row(original.BuyerJson, InvoiceKinds.CreditNote, "AV-2026-000003", original.VatCategory, original.VatRate, original.VatExemptionReason, totals);
        note.CreditedInvoiceId = original.Id;
        note.CreditReason = "Deux sièges Claude Team attribués par erreur";
        note.DueDate = note.IssueDate;
        return InvoiceDocumentMapper.Map(note, [creditLine], [], new CreditedInvoiceReference(original.Number!, original.IssueDate!.Value));
    }

    private static (InvoiceRow Row, List<InvoiceLineRow> Lines, List<InvoiceRateRow> Rates) Issue(
        BuyerProfile buyer, SubscriptionHistory[] subscriptions, EcbRateQuote? rate, string number)
    {
        var draft = InvoiceDraftBuilder.Build(November, buyer, subscriptions, 15m,
            currency => rate is not null && rate.Currency == currency ? rate : null);
        var row = Row(SnapshotJson.Serialize(buyer), InvoiceKinds.Invoice, number, draft.Vat.Category, draft.Vat.Rate, draft.Vat.ExemptionReason, draft.Totals);
        var lines = draft.Lines.Select(l => new InvoiceLineRow
        {
            InvoiceId = row.Id, LineNumber = l.LineNumber, SubscriptionId = l.SubscriptionId, ProductGroup = l.ProductGroup,
            Description = l.Description, PeriodStart = l.PeriodStart, PeriodEnd = l.PeriodEnd, Quantity = l.Quantity, Unit = l.Unit,
            UnitPriceExclVat = l.UnitPriceExclVat, VatCategory = l.VatCategory, VatRate = l.VatRate, NetAmount = l.NetAmount,
        }).ToList();
        var rates = draft.ExchangeRates.Select(r => new InvoiceRateRow { InvoiceId = row.Id, Currency = r.Currency, UnitsPerEuro = r.UnitsPerEuro, RateDate = r.RateDate }).ToList();
        return (row, lines, rates);
    }

    private static InvoiceRow Row(string buyerJson, string kind, string number, string category, decimal rate, string? exemption, InvoiceTotals totals) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = Guid.NewGuid(),
        Kind = kind,
        Period = November.ToString(),
        PeriodStart = November.Start,
        PeriodEnd = November.End,
        Status = InvoiceStatuses.Issued,
        Number = number,
        IssueDate = IssueDate,
        DueDate = IssueDate.AddDays(30),
        VatCategory = category,
        VatRate = rate,
        VatExemptionReason = exemption,
        BuyerJson = buyerJson,
        SellerJson = SnapshotJson.Serialize(SellerSnapshot.From(new BillingOptions())),
        TotalExclVat = totals.TotalExclVat,
        TotalVat = totals.TotalVat,
        TotalInclVat = totals.TotalInclVat,
        Currency = "EUR",
    };
}
