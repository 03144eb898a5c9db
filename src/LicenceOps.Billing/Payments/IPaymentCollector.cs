namespace LicenceOps.Billing.Payments;

/// <summary>Asks the payment provider to collect an issued invoice.</summary>
public interface IPaymentCollector
{
    /// <summary>
    /// Ensures the tenant's provider customer exists and creates the invoice's payment request,
    /// idempotently: calling it again for the same invoice never charges twice.
    /// </summary>
    Task<PaymentRequestResult> RequestPaymentAsync(PaymentRequest request, CancellationToken ct);

    /// <summary>False when the provider has no credentials: the job then says so once instead of failing every run.</summary>
    bool IsConfigured => true;
}

public sealed record PaymentRequest(
    Guid InvoiceId,
    Guid TenantId,
    string InvoiceNumber,
    decimal AmountInclVat,
    string Currency,
    string CustomerName,
    string CustomerEmail);

public sealed record PaymentRequestResult(string CustomerId, string PaymentIntentId, string Status);
