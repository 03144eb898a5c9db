using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Payments;
using LicenceOps.Contracts.Billing;
using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Features.Payments;

/// <summary>
/// Payment outcomes from the provider's webhook, which may arrive twice or late: paying an already paid
/// invoice and reporting the same failure twice change nothing and publish nothing.
/// </summary>
public sealed class InvoicePaymentLedger(ModuleDatabase<BillingModule> database) : IInvoicePaymentLedger
{
    public Task<bool> MarkPaidAsync(Guid invoiceId, decimal amount, string currency, string paymentIntentId, DateTimeOffset paidAt, CancellationToken ct) =>
        database.WriteAsync(async uow =>
        {
            var invoice = await FindPayableAsync(uow, invoiceId);
            if (invoice is null)
            {
                return false;
            }

            var updated = await uow.ExecuteAsync(
                """
                UPDATE invoices SET status = 'paid', paid_at = @paidAt, amount_paid = @amount, payment_intent_id = @paymentIntentId
                WHERE id = @invoiceId AND status IN ('issued', 'overdue')
                """,
                new { paidAt, amount, paymentIntentId, invoiceId });
            if (updated == 1)
            {
                await uow.PublishAsync(new InvoicePaid(invoiceId, invoice.TenantId, invoice.Number!, amount, currency, paidAt));
                await uow.AuditAsync("invoice", invoiceId, "paid", new { amount, currency, paymentIntentId }, invoice.TenantId);
            }

            return true;
        }, ct);

    public Task<bool> MarkPaymentFailedAsync(Guid invoiceId, string reason, string paymentIntentId, DateTimeOffset failedAt, CancellationToken ct) =>
        database.WriteAsync(async uow =>
        {
            var invoice = await FindPayableAsync(uow, invoiceId);
            if (invoice is null)
            {
                return false;
            }

            var recorded = await uow.ExecuteAsync(
                """
                INSERT INTO invoice_payment_failures (invoice_id, payment_intent_id, failed_at, reason)
                SELECT @invoiceId, @paymentIntentId, @failedAt, @reason
                WHERE NOT EXISTS (SELECT 1 FROM invoice_payment_failures
                                  WHERE invoice_id = @invoiceId AND payment_intent_id = @paymentIntentId AND failed_at = @failedAt)
                """,
                new { invoiceId, paymentIntentId, failedAt, reason });
            if (recorded == 1 && invoice.Status != InvoiceStatuses.Paid)
            {
                await uow.PublishAsync(new PaymentFailed(invoiceId, invoice.TenantId, invoice.Number!, reason, failedAt));
                await uow.AuditAsync("invoice", invoiceId, "payment-failed", new { reason, paymentIntentId }, invoice.TenantId);
            }

            return true;
        }, ct);

    private static Task<InvoiceRow?> FindPayableAsync(UnitOfWork uow, Guid invoiceId) =>
        uow.QuerySingleOrDefaultAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId AND kind = 'invoice' AND number IS NOT NULL",
            new { invoiceId });
}
