using LicenceOps.Billing.Documents;
using UglyToad.PdfPig;

namespace LicenceOps.UnitTests.Billing.Documents;

public sealed class SkiaInvoiceRendererTests
{
    private const char Nbsp = '\u00A0';
    private readonly SkiaInvoiceRenderer renderer = new();

    [Test]
    public void A_long_invoice_flows_over_several_A4_pages_with_every_line_readable()
    {
        var invoice = SampleInvoices.French(lineCount: 90);

        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(invoice));

        Assert.That(pdf.NumberOfPages, Is.GreaterThanOrEqualTo(3));
        var text = AllText(pdf);
        Assert.Multiple(() =>
        {
            foreach (var line in invoice.Lines)
            {
                Assert.That(Squash(text), Does.Contain(Squash(line.Description)), line.Description);
            }
            foreach (var page in pdf.GetPages())
            {
                Assert.That(page.Width, Is.EqualTo(595.28).Within(0.5), "A4 width");
                Assert.That(page.Height, Is.EqualTo(841.89).Within(0.5), "A4 height");
                Assert.That(page.Text, Does.Contain($"Page {page.Number} / {pdf.NumberOfPages}"));
            }
            foreach (var group in new[] { "ChatGPT Business", "Claude Team", "Microsoft 365 Copilot" })
            {
                Assert.That(text, Does.Contain(group));
            }
            Assert.That(pdf.GetPage(2).Text, Does.Contain("FACTURE N° F-2026-000123 (suite)"));
            Assert.That(pdf.GetPage(2).Text, Does.Contain("Désignation"), "the table header repeats on continuation pages");
        });
    }

    [Test]
    public void Prints_mandatory_mentions_parties_dates_and_french_formatted_totals()
    {
        var invoice = SampleInvoices.French(lineCount: 4);

        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(invoice));

        var text = AllText(pdf);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("FACTURE"));
            Assert.That(text, Does.Contain("N° F-2026-000123"));
            Assert.That(text, Does.Contain("LicenceOps Services SAS"));
            Assert.That(text, Does.Contain("SIREN : 912345678"));
            Assert.That(text, Does.Contain("Acme Conseil SAS"));
            Assert.That(text, Does.Contain("SIREN : 552100554"));
            Assert.That(text, Does.Contain("N° TVA intracommunautaire : FR40552100554"));
            Assert.That(Squash(text), Does.Contain("Dated'émission:23/11/2026"));
            Assert.That(Squash(text), Does.Contain("Dated'échéance:23/12/2026"));
            Assert.That(text, Does.Contain("du 01/11/2026 au 30/11/2026"), "service period");
            Assert.That(text, Does.Contain("1 EUR = 1,0842 USD, taux BCE du 21/11/2026"));
            foreach (var mention in SampleInvoices.Mentions)
            {
                Assert.That(Squash(text), Does.Contain(Squash(mention)), "wrapped lines are read back without their break");
            }
            Assert.That(Squash(text), Does.Contain(Squash("IBAN FR76 3000 6000 0112 3456 7890 189")));
        });

        // 2 × 26,30 + 3 × 27,30 + 4 × 28,30 + 5 × 29,30 = 394,20 HT; TVA 78,84; TTC 473,04
        Assert.That(invoice.TotalExclVat, Is.EqualTo(394.20m));
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("Total HT394,20" + Nbsp + "€"));
            Assert.That(text, Does.Contain("Total TVA78,84" + Nbsp + "€"));
            Assert.That(text, Does.Contain("Total TTC473,04" + Nbsp + "€"));
            Assert.That(text, Does.Contain("20" + Nbsp + "%"));
            Assert.That(text, Does.Contain("28,30" + Nbsp + "€"), "unit price excl. VAT");
            Assert.That(text, Does.Contain("113,20" + Nbsp + "€"), "net amount of line 3");
        });
    }

    [Test]
    public void Large_amounts_use_french_digit_grouping()
    {
        var invoice = SampleInvoices.French(lineCount: 1) with { TotalExclVat = 1234567.8m, TotalInclVat = 1481481.36m };

        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(invoice));

        var text = AllText(pdf);
        Assert.That(text, Does.Contain($"1{Nbsp}234{Nbsp}567,80{Nbsp}€"));
        Assert.That(text, Does.Contain($"1{Nbsp}481{Nbsp}481,36{Nbsp}€"));
    }

    [Test]
    public void A_credit_note_is_titled_avoir_references_the_credited_invoice_and_states_the_reverse_charge()
    {
        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(SampleInvoices.GermanCreditNote()));

        var text = AllText(pdf);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("AVOIR"));
            Assert.That(text, Does.Not.Contain("FACTURE N°"));
            Assert.That(text, Does.Contain("N° A-2026-000007"));
            Assert.That(text, Does.Contain("N° F-2026-000101"), "credited invoice");
            Assert.That(text, Does.Contain("Autoliquidation — art. 196 de la directive 2006/112/CE"));
            Assert.That(text, Does.Contain($"-2{Nbsp}469,00{Nbsp}€"));
            Assert.That(text, Does.Contain("Allemagne"));
            Assert.That(text, Does.Contain("DE123456789"));
        });
    }

    [Test]
    public void The_font_is_embedded_so_the_document_never_depends_on_the_readers_fonts()
    {
        var bytes = renderer.RenderInvoicePdf(SampleInvoices.French(lineCount: 3));

        using var pdf = PdfDocument.Open(bytes);
        var fonts = pdf.GetPage(1).Letters.Select(l => l.FontName).Distinct().ToList();
        Assert.That(fonts, Is.Not.Empty.And.All.Contains("DejaVuSans"));
        Assert.That(System.Text.Encoding.Latin1.GetString(bytes), Does.Contain("/FontFile2"), "TrueType font program embedded");
    }

    [Test]
    public void A_one_page_invoice_stays_small_enough_to_email()
    {
        var bytes = renderer.RenderInvoicePdf(SampleInvoices.French(lineCount: 12));

        Assert.That(bytes.Length, Is.LessThan(70_000), "fonts are embedded cut down to the glyphs drawn, not whole");
    }

    [Test]
    public void European_names_print_with_their_accents()
    {
        var invoice = SampleInvoices.GermanCreditNote() with
        {
            Buyer = SampleInvoices.GermanCreditNote().Buyer with { Name = "Łódź Ærøskøbing Straße Ţară Čeština", City = "Kraków" },
        };

        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(invoice));

        Assert.That(pdf.GetPage(1).Text, Does.Contain("Łódź Ærøskøbing Straße Ţară Čeština").And.Contain("Kraków"));
    }

    [Test]
    public void Rendering_the_same_invoice_twice_gives_the_same_bytes()
    {
        var invoice = SampleInvoices.French(lineCount: 10);

        var first = renderer.RenderInvoicePdf(invoice);
        var second = new SkiaInvoiceRenderer().RenderInvoicePdf(invoice);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void One_renderer_serves_concurrent_requests()
    {
        var invoices = Enumerable.Range(1, 8).Select(n => SampleInvoices.French(lineCount: n * 5)).ToList();
        var sequential = invoices.Select(renderer.RenderInvoicePdf).ToList();

        var parallel = new byte[invoices.Count][];
        Parallel.For(0, invoices.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = renderer.RenderInvoicePdf(invoices[i]));

        Assert.That(parallel, Is.EqualTo(sequential));
    }

    private static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string AllText(PdfDocument pdf) => string.Join("\n", pdf.GetPages().Select(p => p.Text));
}
