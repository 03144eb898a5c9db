using LicenceOps.Billing.Documents.FacturX;
using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// Renders invoices and credit notes as A4 pages in French (DejaVu Sans embedded) and makes them Factur-X:
/// SkiaSharp draws a PDF/A-2b, <see cref="PdfA3Packager"/> turns it into a PDF/A-3b carrying factur-x.xml
/// (docs/adr/0015-factur-x-pdf-a3-by-incremental-update.md explains the split).
/// </summary>
public sealed class SkiaInvoiceRenderer : IDocumentRenderer
{
    public byte[] RenderInvoicePdf(InvoiceDocument document) =>
        Render(document, length => new byte[length], (pdf, _) => pdf);

    /// <summary>The same bytes in a buffer of the shared pool (<see cref="RenderedPdf"/>): no new array per document.</summary>
    public RenderedPdf RenderInvoicePdfPooled(InvoiceDocument document) =>
        Render(document, System.Buffers.ArrayPool<byte>.Shared.Rent, RenderedPdf.Rented);

    private static T Render<T>(InvoiceDocument document, Func<int, byte[]> allocate, Func<byte[], int, T> result)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var text = new PdfText();
        var layout = new InvoiceLayout(document, text);
        var pages = new PdfPageComposer();
        layout.Compose(pages);

        // Native buffer: the finished PDF is copied to managed memory once, not grown through a MemoryStream.
        using var output = new SKDynamicMemoryWStream();
        // The issue date, not the rendering time: rendering the same invoice twice gives the same document.
        var info = new PdfDocumentInfo(
            $"{layout.Title} {document.Number}",
            document.Seller.Name,
            $"{layout.Title} {document.Number} — {document.Buyer.Name}",
            "LicenceOps",
            "LicenceOps",
            new DateTimeOffset(document.IssueDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var metadata = new SKDocumentPdfMetadata
        {
            Title = info.Title,
            Author = info.Author,
            Subject = info.Subject,
            Creator = info.Creator,
            Producer = info.Producer,
            Creation = info.Created.UtcDateTime,
            Modified = info.Created.UtcDateTime,
            RasterDpi = 72,
            // PDF/A-2b drawing rules: embedded fonts with ToUnicode maps, no transparency surprises, a document ID.
            PdfA = true,
        };
        using (var pdf = SKDocument.CreatePdf(output, metadata)
            ?? throw new InvalidOperationException("SkiaSharp could not create a PDF document."))
        {
            pages.Render(pdf, text, layout.DrawFooter);
            pdf.Close();
        }
        using var data = output.DetachAsData();
        var (packaged, length) = PdfA3Packager.Package(data.AsSpan(), FacturXml.Write(document), FacturXml.ConformanceLevel, info, allocate);
        return result(packaged, length);
    }

    public byte[] RenderFacturXml(InvoiceDocument document) => FacturXml.Write(document);
}
