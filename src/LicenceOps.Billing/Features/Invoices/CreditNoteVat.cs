using LicenceOps.Billing.Features.Invoicing;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>What an invoice's VAT group held and what earlier credit notes already gave back of it.</summary>
public sealed record CreditableVat(decimal InvoicedNet, decimal InvoicedVat, decimal CreditedNet, decimal CreditedVat);

/// <summary>
/// VAT of a credit note's group. Rounding each partial credit on its own can give back a cent more than the invoice
/// charged (three credits of 24.53, 24.53 and 24.54 at 20 % round to 3 × 4.91 = 14.73 against 14.72 invoiced), so:
/// the usual round(net × rate) is capped at the VAT not yet credited, and the credit that completes the group's net
/// gives back exactly what remains. Over all credit notes, VAT credited per rate never exceeds VAT invoiced and a
/// full credit returns all of it.
/// </summary>
public static class CreditNoteVat
{
    public static decimal Allocate(CreditableVat group, decimal creditNet, decimal rate)
    {
        if (creditNet <= 0 || group.CreditedNet + creditNet > group.InvoicedNet)
        {
            throw new ArgumentOutOfRangeException(nameof(creditNet), "A credit is positive and never exceeds what remains of the invoiced net.");
        }

        var remainingVat = group.InvoicedVat - group.CreditedVat;
        if (group.CreditedNet + creditNet == group.InvoicedNet)
        {
            return remainingVat;
        }

        return Math.Min(Money.Cents(creditNet * rate / 100m), remainingVat);
    }
}
