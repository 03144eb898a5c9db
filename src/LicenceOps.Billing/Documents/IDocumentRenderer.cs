namespace LicenceOps.Billing.Documents;

/// <summary>The one place billing documents become bytes; callers never touch the drawing library.</summary>
public interface IDocumentRenderer
{
    /// <summary>The Factur-X PDF/A-3 of an issued invoice or credit note: the printed page with its factur-x.xml attached.</summary>
    byte[] RenderInvoicePdf(InvoiceDocument document);

    /// <summary>
    /// The same PDF, byte for byte, in a pooled buffer the caller disposes once it has stored it (an invoice run holds each PDF
    /// until its store commits: <see cref="RenderedPdf"/> says why). A renderer without a pooled path hands over its array.
    /// </summary>
    RenderedPdf RenderInvoicePdfPooled(InvoiceDocument document) => RenderedPdf.Of(RenderInvoicePdf(document));

    /// <summary>The factur-x.xml (CII, profile EN 16931) embedded in <see cref="RenderInvoicePdf"/>, on its own.</summary>
    byte[] RenderFacturXml(InvoiceDocument document);
}
