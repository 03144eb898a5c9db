using LicenceOps.Billing.Features.Invoices;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class CreditNoteVatTests
{
    [Test]
    public void Three_partial_credits_give_back_exactly_the_vat_invoiced()
    {
        // 73.60 € at 20 % = 14.72 €. Rounded on their own, 24.53 + 24.53 + 24.54 would credit 4.91 × 3 = 14.73 €.
        var group = new CreditableVat(73.60m, 14.72m, 0m, 0m);
        var vats = new List<decimal>();
        foreach (var net in new[] { 24.53m, 24.53m, 24.54m })
        {
            var vat = CreditNoteVat.Allocate(group, net, 20m);
            vats.Add(vat);
            group = group with { CreditedNet = group.CreditedNet + net, CreditedVat = group.CreditedVat + vat };
        }

        Assert.That(vats, Is.EqualTo(new[] { 4.91m, 4.91m, 4.90m }));
        Assert.That(vats.Sum(), Is.EqualTo(14.72m));
    }

    [Test]
    public void A_partial_credit_never_exceeds_the_vat_left()
    {
        // 0.03 € invoiced three times at 20 %: the group's VAT is 0.02 €; two 0.03 € credits may give back 0.01 € each at most.
        var group = new CreditableVat(0.09m, 0.02m, 0.03m, 0.01m);

        Assert.That(CreditNoteVat.Allocate(group, 0.03m, 20m), Is.EqualTo(0.01m));
        Assert.That(CreditNoteVat.Allocate(group with { CreditedVat = 0.02m }, 0.03m, 20m), Is.EqualTo(0m));
    }

    [Test]
    public void A_credit_beyond_the_invoiced_net_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CreditNoteVat.Allocate(new CreditableVat(10m, 2m, 5m, 1m), 5.01m, 20m));
}
