using System.Text.RegularExpressions;
using LicenceOps.Billing;
using LicenceOps.Billing.Documents;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using UglyToad.PdfPig;

namespace LicenceOps.UnitTests.Billing.Documents;

/// <summary>
/// The mentions of docs/billing-rounding.md that depend on the buyer or the configuration (VAT on debits, outside the
/// EU, exchange rate) and the buyer's SIRET, read back from the rendered PDF with PdfPig — not only from the document
/// model — for an invoice drafted the way the runner drafts it and mapped by the same mapper the API uses.
/// </summary>
public sealed partial class ConditionalMentionsPdfTests
{
    private readonly SkiaInvoiceRenderer renderer = new();

    private static string Squash(string text) => Regex.Replace(text, @"\s+", "");

    private string PdfText(InvoiceRow invoice, IReadOnlyList<InvoiceLineRow> lines, IReadOnlyList<InvoiceRateRow> rates)
    {
        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(InvoiceDocumentMapper.Map(invoice, lines, rates, null)));
        return string.Join("\n", pdf.GetPages().Select(p => p.Text));
    }

    private static InvoiceRow French(bool vatOnDebits, string? siret)
    {
        var invoice = InvoiceDocumentMapperTests.Issued(InvoiceKinds.Invoice, null, 20m);
        invoice.SellerJson = SnapshotJson.Serialize(SellerSnapshot.From(new BillingOptions { Seller = new SellerOptions { VatOnDebits = vatOnDebits } }));
        invoice.BuyerJson = SnapshotJson.Serialize(new BuyerProfile(invoice.TenantId, "Client SA", "987654321", "FR12987654321", "FR", "2 place Bellecour",
            null, "69001", "Lyon", "compta@client.example", siret));
        return invoice;
    }

    private static InvoiceRow Swiss()
    {
        var invoice = InvoiceDocumentMapperTests.Issued(InvoiceKinds.Invoice, VatRules.OutsideEuReason, 0m);
        invoice.VatCategory = "G";
        invoice.TotalVat = 0m;
        invoice.TotalInclVat = invoice.TotalExclVat;
        invoice.BuyerJson = SnapshotJson.Serialize(new BuyerProfile(invoice.TenantId, "Alpen Beratung AG", null, "CHE-123.456.788 MWST", "CH",
            "Bahnhofstrasse 1", null, "8001", "Zürich", "buchhaltung@alpen.example"));
        return invoice;
    }

    private static InvoiceLineRow[] Lines(string category, decimal rate) =>
    [
        new()
        {
            LineNumber = 1, ProductGroup = "Anthropic", Description = "Claude Team (claude-team) - 4 siège(s)", PeriodStart = new DateOnly(2026, 10, 1),
            PeriodEnd = new DateOnly(2026, 10, 31), Quantity = 4m, Unit = "siège", UnitPriceExclVat = 25.7732m, VatCategory = category, VatRate = rate,
            NetAmount = 103.09m,
        },
    ];

    private static readonly InvoiceRateRow[] UsdRate = [new() { Currency = "USD", UnitsPerEuro = 1.1155m, RateDate = new DateOnly(2024, 9, 26) }];

    /// <summary>The conditional rows of the mentions table (applies "when …"), as the docs state them.</summary>
    private static IReadOnlyDictionary<string, string> ConditionalMentions()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "billing-rounding.md"));
        var table = doc[doc.IndexOf("<!-- mentions:start -->", StringComparison.Ordinal)..doc.IndexOf("<!-- mentions:end -->", StringComparison.Ordinal)];
        return MentionRow().Matches(table).Where(m => m.Groups["applies"].Value.Trim().StartsWith("when ", StringComparison.Ordinal))
            .ToDictionary(m => m.Groups["applies"].Value.Trim(), m => m.Groups["printed"].Value);
    }

    [Test]
    public void The_docs_list_the_three_conditional_mentions()
    {
        Assert.That(ConditionalMentions().Keys, Is.EquivalentTo(new[] { "when opted", "when outside the EU", "when converted" }));
    }

    [Test]
    public void Vat_on_debits_is_printed_when_the_seller_opted_and_only_then()
    {
        var printed = Squash(ConditionalMentions()["when opted"]);

        Assert.That(Squash(PdfText(French(vatOnDebits: true, null), Lines("S", 20m), [])), Does.Contain(printed));
        Assert.That(Squash(PdfText(French(vatOnDebits: false, null), Lines("S", 20m), [])), Does.Not.Contain(printed));
    }

    [Test]
    public void A_swiss_buyer_reads_outside_the_scope_of_french_vat_at_zero_percent_and_no_export_wording()
    {
        var text = PdfText(Swiss(), Lines("G", 0m), []);

        Assert.That(Squash(text), Does.Contain(Squash(ConditionalMentions()["when outside the EU"])));
        Assert.That(text, Does.Contain("Identifiant TVA : CHE-123.456.788 MWST"), "a Swiss UID is not an intra-community number");
        Assert.That(text, Does.Contain("0\u00A0%"));
        Assert.That(text, Does.Not.Contain("0%").And.Not.Contain("export"));
        Assert.That(Squash(text), Does.Not.Contain(Squash(InvoiceDocumentMapper.VatOnDebitsMention)));
    }

    [Test]
    public void A_converted_price_prints_the_ecb_rate_and_the_vat_rate_in_french_form()
    {
        var text = PdfText(French(vatOnDebits: false, null), Lines("S", 20m), UsdRate);

        Assert.That(Squash(text), Does.Contain(Squash(ConditionalMentions()["when converted"])));
        Assert.That(text, Does.Contain("1 EUR = 1,1155 USD, taux BCE du 26/09/2024"));
        Assert.That(text, Does.Contain("20\u00A0%"));
        Assert.That(text, Does.Not.Contain("20%"), "one form of percentage on the whole document");
    }

    [Test]
    public void The_buyer_prints_its_siren_and_the_siret_of_the_invoiced_establishment()
    {
        var withSiret = PdfText(French(vatOnDebits: false, "98765432100015"), Lines("S", 20m), []);
        var withoutSiret = PdfText(French(vatOnDebits: false, null), Lines("S", 20m), []);

        Assert.That(withSiret, Does.Contain("SIREN : 987654321").And.Contain("SIRET : 98765432100015"));
        Assert.That(withoutSiret, Does.Contain("SIREN : 987654321").And.Not.Contain("SIRET : 987"));
    }

    [Test]
    public void The_buyer_siret_is_the_buyer_global_id_of_the_factur_x_xml()
    {
        var document = InvoiceDocumentMapper.Map(French(vatOnDebits: false, "98765432100015"), Lines("S", 20m), [], null);

        var xml = System.Text.Encoding.UTF8.GetString(LicenceOps.Billing.Documents.FacturX.FacturXml.Write(document));

        var buyer = xml[xml.IndexOf("BuyerTradeParty", StringComparison.Ordinal)..];
        Assert.That(buyer, Does.Contain("schemeID=\"0009\">98765432100015<"));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LicenceOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("LicenceOps.sln not found above the test output.");
    }

    [GeneratedRegex(@"^\| (?<mention>[^|]+) \| `(?<printed>[^`]+)` \| (?<applies>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex MentionRow();
}
