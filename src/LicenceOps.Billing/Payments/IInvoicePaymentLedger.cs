namespace LicenceOps.Billing.Payments;

/// <summary>Records payment outcomes on invoices; called by the provider's verified webhook.</summary>
public interface IInvoicePaymentLedger
{
    /// <summary>
    /// Records a received payment. It marks the invoice paid only in the invoice's currency and when the payments
    /// received add up to the amount due; a smaller one is partial, another currency or too much is mismatched, and
    /// both wait for staff review.
    /// </summary>
    /// <returns>null when no issued invoice has that id.</returns>
    Task<PaymentOutcome?> RecordPaymentAsync(Guid invoiceId, decimal amount, string currency, string paymentIntentId, DateTimeOffset paidAt, CancellationToken ct);

    /// <returns>false when no issued invoice has that id.</returns>
    Task<bool> MarkPaymentFailedAsync(Guid invoiceId, string reason, string paymentIntentId, DateTimeOffset failedAt, CancellationToken ct);
}

public enum PaymentOutcome
{
    Paid,
    Partial,
    Mismatched,
}
