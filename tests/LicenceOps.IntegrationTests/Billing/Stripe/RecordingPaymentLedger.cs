using System.Collections.Concurrent;
using LicenceOps.Billing.Payments;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

/// <summary>Ledger double used until the Billing core's ledger is merged; knows only the invoices it is told about.</summary>
internal sealed class RecordingPaymentLedger : IInvoicePaymentLedger
{
    public ConcurrentBag<Guid> KnownInvoices { get; } = [];

    public ConcurrentQueue<(Guid InvoiceId, decimal Amount, string Currency, string PaymentIntentId, DateTimeOffset At)> Paid { get; } = new();

    public ConcurrentQueue<(Guid InvoiceId, string Reason, string PaymentIntentId, DateTimeOffset At)> Failed { get; } = new();

    public Task<bool> MarkPaidAsync(Guid invoiceId, decimal amount, string currency, string paymentIntentId, DateTimeOffset paidAt, CancellationToken ct)
    {
        if (!KnownInvoices.Contains(invoiceId))
        {
            return Task.FromResult(false);
        }
        Paid.Enqueue((invoiceId, amount, currency, paymentIntentId, paidAt));
        return Task.FromResult(true);
    }

    public Task<bool> MarkPaymentFailedAsync(Guid invoiceId, string reason, string paymentIntentId, DateTimeOffset failedAt, CancellationToken ct)
    {
        if (!KnownInvoices.Contains(invoiceId))
        {
            return Task.FromResult(false);
        }
        Failed.Enqueue((invoiceId, reason, paymentIntentId, failedAt));
        return Task.FromResult(true);
    }
}
