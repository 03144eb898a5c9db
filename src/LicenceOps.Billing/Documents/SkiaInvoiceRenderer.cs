using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>Renders invoices and credit notes as A4 PDFs in French, with the DejaVu Sans font embedded.</summary>
public sealed class SkiaInvoiceRenderer : IDocumentRenderer
{
    public byte[] RenderInvoicePdf(InvoiceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var text = new PdfText();
        var layout = new InvoiceLayout(document, text);
        var pages = new PdfPageComposer();
        layout.Compose(pages);

        // Native buffer: the finished PDF is copied to managed memory once, not grown through a MemoryStream.
        using var output = new SKDynamicMemoryWStream();
        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"{layout.Title} {document.Number}",
            Author = document.Seller.Name,
            Subject = $"{layout.Title} {document.Number} — {document.Buyer.Name}",
            Creator = "LicenceOps",
            Producer = "LicenceOps",
            // The issue date, not the rendering time: rendering the same invoice twice gives the same document.
            Creation = document.IssueDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            Modified = document.IssueDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            RasterDpi = 72,
        };
        using (var pdf = SKDocument.CreatePdf(output, metadata)
            ?? throw new InvalidOperationException("SkiaSharp could not create a PDF document."))
        {
            pages.Render(pdf, layout.DrawFooter);
            pdf.Close();
        }
        using var data = output.DetachAsData();
        return data.ToArray();
    }
}
