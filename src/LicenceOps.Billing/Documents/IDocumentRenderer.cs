namespace LicenceOps.Billing.Documents;

/// <summary>The one place billing documents become bytes; callers never touch the drawing library.</summary>
public interface IDocumentRenderer
{
    /// <summary>The Factur-X PDF/A-3 of an issued invoice or credit note: the printed page with its factur-x.xml attached.</summary>
    byte[] RenderInvoicePdf(InvoiceDocument document);

    /// <summary>The factur-x.xml (CII, profile EN 16931) embedded in <see cref="RenderInvoicePdf"/>, on its own.</summary>
    byte[] RenderFacturXml(InvoiceDocument document);

    /// <summary>
    /// <see cref="RenderInvoicePdf"/> and the factur-x.xml embedded in it, byte for byte, from one rendering: for a caller
    /// that needs both, without inflating the attachment back out of the PDF just made.
    /// </summary>
    RenderedInvoice RenderInvoice(InvoiceDocument document);
}

/// <summary>An invoice's Factur-X PDF and the exact bytes of the factur-x.xml attached to it.</summary>
public sealed record RenderedInvoice(byte[] Pdf, byte[] FacturXml);
