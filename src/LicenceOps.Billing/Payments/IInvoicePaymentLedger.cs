namespace LicenceOps.Billing.Payments;

/// <summary>Records payment outcomes on invoices; called by the provider's verified webhook.</summary>
public interface IInvoicePaymentLedger
{
    /// <returns>false when no issued invoice has that id.</returns>
    Task<bool> MarkPaidAsync(Guid invoiceId, decimal amount, string currency, string paymentIntentId, DateTimeOffset paidAt, CancellationToken ct);

    /// <returns>false when no issued invoice has that id.</returns>
    Task<bool> MarkPaymentFailedAsync(Guid invoiceId, string reason, string paymentIntentId, DateTimeOffset failedAt, CancellationToken ct);
}
