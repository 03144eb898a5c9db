namespace LicenceOps.Billing.Documents;

/// <summary>The one place billing documents become bytes; callers never touch the drawing library.</summary>
public interface IDocumentRenderer
{
    byte[] RenderInvoicePdf(InvoiceDocument document);
}
