using System.Net;
using LicenceOps.IntegrationTests.Billing.Stripe;
using LicenceOps.IntegrationTests.Infrastructure;
using UglyToad.PdfPig;

namespace LicenceOps.IntegrationTests.Billing.Documents;

/// <summary>A real issued invoice, fetched as PDF over HTTP and read back: what the client actually receives.</summary>
public sealed class InvoicePdfTests
{
    [Test]
    public async Task The_pdf_of_an_issued_invoice_carries_its_number_lines_rate_and_totals()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 10, eurPerSeat: 30m, usdListPrice: 25m);
        using var staff = await factory.StaffClientAsync();

        var response = await staff.GetAsync($"/api/tenants/{invoice.TenantId}/invoices/{invoice.Id}/pdf");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join("\n", pdf.GetPages().Select(p => p.Text));
        var squashed = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        Assert.Multiple(() =>
        {
            Assert.That(pdf.GetPage(1).Width, Is.EqualTo(595.28).Within(0.5));
            Assert.That(text, Does.Contain("FACTURE"));
            Assert.That(text, Does.Contain(invoice.Number!));
            Assert.That(text, Does.Contain("ChatGPT Business").And.Contain("Claude Team"));
            Assert.That(text, Does.Contain("1 EUR = 1,0842 USD, taux BCE du 31/10/2026"));
            Assert.That(text, Does.Contain("20\u00A0%"), "the stored VAT rate prints as a percentage");
            Assert.That(squashed, Does.Contain("TotalTTC" + Squash(FrenchMoney(invoice.TotalInclVat))));
            Assert.That(squashed, Does.Contain("TotalHT" + Squash(FrenchMoney(invoice.TotalExclVat))));
            Assert.That(squashed, Does.Contain(Squash("Indemnité forfaitaire pour frais de recouvrement")));
            Assert.That(text, Does.Contain("Page 1 / "));
        });
    }

    [Test]
    public async Task The_factur_x_xml_downloads_on_its_own_and_is_the_one_inside_the_pdf()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 4, eurPerSeat: 30m, usdListPrice: 25m);
        using var staff = await factory.StaffClientAsync();

        var xml = await staff.GetAsync($"/api/tenants/{invoice.TenantId}/invoices/{invoice.Id}/factur-x.xml");
        var pdf = await staff.GetByteArrayAsync($"/api/tenants/{invoice.TenantId}/invoices/{invoice.Id}/pdf");

        Assert.That(xml.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(xml.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/xml"));
        var bytes = await xml.Content.ReadAsByteArrayAsync();
        using var document = PdfDocument.Open(pdf);
        Assert.That(document.Advanced.TryGetEmbeddedFiles(out var files), Is.True);
        Assert.That(files!.Single().Bytes.ToArray(), Is.EqualTo(bytes));
        var cii = System.Xml.Linq.XDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes));
        System.Xml.Linq.XNamespace ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
        Assert.That(cii.Descendants(ram + "ID").First().Value, Is.EqualTo("urn:cen.eu:en16931:2017"));
        Assert.That(cii.Descendants(ram + "GrandTotalAmount").Single().Value,
            Is.EqualTo(invoice.TotalInclVat.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task The_factur_x_xml_is_taken_from_the_stored_pdf_once_then_served_from_its_stored_bytes_with_an_etag_and_304()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 2, eurPerSeat: 30m, usdListPrice: 25m);
        using var staff = await factory.StaffClientAsync();
        var url = $"/api/tenants/{invoice.TenantId}/invoices/{invoice.Id}/factur-x.xml";
        var db = factory.Service<LicenceOps.Platform.Data.ModuleDatabase<LicenceOps.Billing.BillingModule>>();

        // Issuing stores the PDF only: the XML is its attachment, so it is not written a second time for every invoice.
        var atIssue = await db.QuerySingleOrDefaultAsync<(string? Sha, byte[]? Xml)>(
            "SELECT facturx_sha256, facturx_xml FROM invoice_documents WHERE invoice_id = @Id", new { invoice.Id });
        Assert.That(atIssue.Xml, Is.Null);
        Assert.That(atIssue.Sha, Is.Null);
        var storedPdf = (await factory.Service<LicenceOps.Billing.Features.Invoices.InvoiceDocuments>().FindAsync(invoice.Id, CancellationToken.None))?.Content;
        var attached = LicenceOps.Billing.Documents.FacturX.PdfA3Packager.ExtractFacturXml(storedPdf!);
        Assert.That(attached, Is.Not.Null.And.Not.Empty);

        // The first download serves the stored PDF's attachment, byte for byte, and stores it with the hash of its bytes.
        var first = await staff.GetAsync(url);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await first.Content.ReadAsByteArrayAsync(), Is.EqualTo(attached));
        var stored = await db.QuerySingleOrDefaultAsync<(string Sha, byte[] Xml)>(
            "SELECT facturx_sha256, facturx_xml FROM invoice_documents WHERE invoice_id = @Id", new { invoice.Id });
        Assert.That(stored.Xml, Is.EqualTo(attached));
        Assert.That(stored.Sha, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(attached!))));
        Assert.That(first.Headers.ETag?.Tag, Is.EqualTo($"\"{stored.Sha}\""));

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var notModified = await staff.SendAsync(revalidate);
        Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(await notModified.Content.ReadAsByteArrayAsync(), Is.Empty);

        // The next downloads read that column: marking it proves nothing is extracted or rendered per request.
        var marker = "<stored-copy/>"u8.ToArray();
        await db.WriteAsync(uow => uow.ExecuteAsync(
            "UPDATE invoice_documents SET facturx_xml = @marker WHERE invoice_id = @Id", new { marker, invoice.Id }));
        Assert.That(await staff.GetByteArrayAsync(url), Is.EqualTo(marker), "served from the stored column");
    }

    [Test]
    public async Task An_issued_document_is_rendered_and_stored_once_and_a_stored_copy_is_never_rendered_again()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 2, eurPerSeat: 30m, usdListPrice: 25m);
        var db = factory.Service<LicenceOps.Platform.Data.ModuleDatabase<LicenceOps.Billing.BillingModule>>();
        var documents = factory.Service<LicenceOps.Billing.Features.Invoices.InvoiceDocuments>();

        // Stored: ensuring it again reads nothing back into a render and leaves the stored bytes alone (a marker proves it).
        var marker = "%PDF-stored-copy"u8.ToArray();
        await db.WriteAsync(uow => uow.ExecuteAsync("UPDATE invoice_documents SET content = @marker, pack_offset = NULL WHERE invoice_id = @Id", new { marker, invoice.Id }));
        await documents.EnsureStoredAsync(invoice.Id, CancellationToken.None);
        Assert.That(await db.QuerySingleOrDefaultAsync<byte[]>("SELECT content FROM invoice_documents WHERE invoice_id = @Id", new { invoice.Id }),
            Is.EqualTo(marker));

        // Missing (the process died between issuing and storing): rendered and stored with the hash of its bytes.
        await db.WriteAsync(uow => uow.ExecuteAsync("DELETE FROM invoice_documents WHERE invoice_id = @Id", new { invoice.Id }));
        await documents.EnsureStoredAsync(invoice.Id, CancellationToken.None);
        var stored = (await documents.FindAsync(invoice.Id, CancellationToken.None))!;
        Assert.That(stored.Content.AsSpan(0, 5).ToArray(), Is.EqualTo("%PDF-"u8.ToArray()));
        Assert.That(stored.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stored.Content))));

        // No such issued document: nothing is rendered or stored.
        var unknown = Guid.NewGuid();
        await documents.EnsureStoredAsync(unknown, CancellationToken.None);
        Assert.That(await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM invoice_documents WHERE invoice_id = @unknown", new { unknown }), Is.Zero);
    }

    private static string FrenchMoney(decimal amount) =>
        amount.ToString("#,##0.00", new System.Globalization.NumberFormatInfo { NumberDecimalSeparator = ",", NumberGroupSeparator = " " }) + " €";

    private static string Squash(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
}
