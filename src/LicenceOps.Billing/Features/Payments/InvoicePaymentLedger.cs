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
    public Task<PaymentOutcome?> RecordPaymentAsync(
        Guid invoiceId, decimal amount, string currency, string paymentIntentId, DateTimeOffset paidAt, CancellationToken ct) =>
        database.WriteAsync(async uow =>
        {
            var invoice = await FindPayableAsync(uow, invoiceId);
            if (invoice is null)
            {
                return (PaymentOutcome?)null;
            }

            var known = await uow.QuerySingleOrDefaultAsync<string>(
                "SELECT outcome FROM invoice_payments WHERE invoice_id = @invoiceId AND payment_intent_id = @paymentIntentId",
                new { invoiceId, paymentIntentId });
            if (known is not null)
            {
                return Parse(known);
            }

            var credits = await uow.QueryAsync<decimal>(
                "SELECT total_incl_vat FROM invoices WHERE credited_invoice_id = @invoiceId AND number IS NOT NULL", new { invoiceId });
            var due = invoice.TotalInclVat - credits.Sum();
            var earlier = await uow.QueryAsync<decimal>(
                "SELECT amount FROM invoice_payments WHERE invoice_id = @invoiceId AND outcome = 'partial'", new { invoiceId });
            var outcome = PaymentMatching.Match(invoice.Currency, due, earlier.Sum(), amount, currency, invoice.Status == InvoiceStatuses.Paid);
            await uow.ExecuteAsync(
                """
                INSERT INTO invoice_payments (invoice_id, payment_intent_id, tenant_id, amount, currency, amount_due, outcome, review_status, received_at)
                VALUES (@invoiceId, @paymentIntentId, @TenantId, @amount, @currency, @due, @outcome, @review, @paidAt)
                """,
                new
                {
                    invoiceId, paymentIntentId, invoice.TenantId, amount, currency, due, outcome = Name(outcome),
                    review = outcome == PaymentOutcome.Paid ? "none" : "open", paidAt,
                });
            if (outcome != PaymentOutcome.Paid)
            {
                await uow.AuditAsync("invoice", invoiceId, "payment-needs-review", new { amount, currency, due, outcome = Name(outcome), paymentIntentId }, invoice.TenantId);
                return outcome;
            }

            var received = earlier.Sum() + amount;
            var updated = await uow.ExecuteAsync(
                """
                UPDATE invoices SET status = 'paid', paid_at = @paidAt, amount_paid = @received, payment_intent_id = @paymentIntentId
                WHERE id = @invoiceId AND status IN ('issued', 'overdue')
                """,
                new { paidAt, received, paymentIntentId, invoiceId });
            if (updated == 1)
            {
                await uow.ExecuteAsync(
                    "UPDATE invoice_payments SET review_status = 'none' WHERE invoice_id = @invoiceId AND outcome = 'partial'", new { invoiceId });
                await uow.PublishAsync(new InvoicePaid(invoiceId, invoice.TenantId, invoice.Number!, received, currency, paidAt));
                await uow.AuditAsync("invoice", invoiceId, "paid", new { amount = received, currency, paymentIntentId }, invoice.TenantId);
            }

            return outcome;
        }, ct);

    private static string Name(PaymentOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static PaymentOutcome Parse(string name) => Enum.Parse<PaymentOutcome>(name, ignoreCase: true);

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
