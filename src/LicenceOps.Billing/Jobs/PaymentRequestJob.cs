using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Payments;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Jobs;

/// <summary>
/// Asks the payment provider to collect each issued, unpaid invoice that has no payment request yet. The call is
/// made outside any database transaction (no lock held over the network); the provider is idempotent on the
/// invoice id, so a crash between the call and the recording only repeats a harmless request.
/// </summary>
public sealed partial class PaymentRequestJob(ModuleDatabase<BillingModule> database, IPaymentCollector collector, ILogger<PaymentRequestJob> logger)
{
    public const string Id = "billing:payment-requests";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Id);
        if (!collector.IsConfigured)
        {
            if (collector is not UnconfiguredPaymentCollector unconfigured || unconfigured.FirstWarning())
            {
                LogNotConfigured(StripeOptions.Section);
            }

            return 0;
        }

        var pending = await database.QueryAsync<InvoiceRow>(
            $"""
             SELECT {InvoiceRow.Columns} FROM invoices
             WHERE kind = 'invoice' AND status IN ('issued', 'overdue') AND payment_intent_id IS NULL
             ORDER BY number
             """,
            null, ct);
        var requested = 0;
        // Amounts are compared here, not in SQL: SQLite stores them as text.
        foreach (var invoice in pending.Where(i => i.TotalInclVat > 0))
        {
            var buyer = invoice.Buyer;
            PaymentRequestResult result;
            try
            {
                result = await collector.RequestPaymentAsync(
                    new PaymentRequest(invoice.Id, invoice.TenantId, invoice.Number!, invoice.TotalInclVat, invoice.Currency, buyer.LegalName, buyer.BillingEmail), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failing invoice must not starve the others; the next run retries it.
                LogRequestFailed(ex, invoice.Number!);
                continue;
            }

            requested += await database.WriteAsync(async uow =>
            {
                var updated = await uow.ExecuteAsync(
                    """
                    UPDATE invoices SET payment_intent_id = @PaymentIntentId, payment_customer_id = @CustomerId, payment_requested_at = @now
                    WHERE id = @invoiceId AND payment_intent_id IS NULL
                    """,
                    new { result.PaymentIntentId, result.CustomerId, now = uow.Now, invoiceId = invoice.Id });
                if (updated == 1)
                {
                    await uow.AuditAsync("invoice", invoice.Id, "payment-requested", new { result.PaymentIntentId, result.Status }, invoice.TenantId);
                }

                return updated;
            }, ct);
        }

        return requested;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No payment provider configured (set {Section}:SecretKey): invoices are not sent for collection")]
    private partial void LogNotConfigured(string section);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment request for invoice {Number} failed; retried at the next run")]
    private partial void LogRequestFailed(Exception exception, string number);
}
