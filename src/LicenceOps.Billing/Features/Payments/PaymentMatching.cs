using LicenceOps.Billing.Payments;

namespace LicenceOps.Billing.Features.Payments;

/// <summary>
/// Decides what a received payment means for an invoice. A signed webhook proves who sent it, not that the client
/// paid the right sum: 1 USD must never settle a 1,040.92 € invoice.
/// </summary>
public static class PaymentMatching
{
    /// <param name="due">Invoice total incl. VAT minus the credit notes issued on it.</param>
    /// <param name="partialBefore">Earlier partial payments in the invoice's currency.</param>
    /// <param name="alreadyPaid">The invoice is paid already: anything more is money to give back, for staff.</param>
    public static PaymentOutcome Match(string invoiceCurrency, decimal due, decimal partialBefore, decimal amount, string currency, bool alreadyPaid)
    {
        if (alreadyPaid || !string.Equals(invoiceCurrency, currency, StringComparison.OrdinalIgnoreCase) || amount <= 0)
        {
            return PaymentOutcome.Mismatched;
        }

        var received = partialBefore + amount;
        return received == due ? PaymentOutcome.Paid : received < due ? PaymentOutcome.Partial : PaymentOutcome.Mismatched;
    }
}
