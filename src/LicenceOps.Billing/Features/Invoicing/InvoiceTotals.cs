namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>A line's contribution to the totals: its rounded net amount under one VAT category and rate.</summary>
public sealed record TaxedAmount(string Category, decimal Rate, decimal NetAmount, string? ExemptionReason);

public sealed record VatGroup(string Category, decimal Rate, decimal TaxableAmount, decimal VatAmount, string? ExemptionReason);

public sealed record InvoiceTotals(IReadOnlyList<VatGroup> VatGroups, decimal TotalExclVat, decimal TotalVat, decimal TotalInclVat)
{
    /// <summary>
    /// VAT is computed once per (category, rate) on the sum of its lines and rounded to cents, so the totals
    /// add up exactly (EN 16931 BR-CO-10, 13, 14, 15).
    /// </summary>
    public static InvoiceTotals Compute(IEnumerable<TaxedAmount> lines)
    {
        var groups = lines
            .GroupBy(l => (l.Category, l.Rate))
            .OrderBy(g => g.Key.Category, StringComparer.Ordinal).ThenBy(g => g.Key.Rate)
            .Select(g =>
            {
                var taxable = g.Sum(l => l.NetAmount);
                return new VatGroup(g.Key.Category, g.Key.Rate, taxable, Money.Cents(taxable * g.Key.Rate / 100m),
                    g.Select(l => l.ExemptionReason).FirstOrDefault(r => r is not null));
            })
            .ToList();
        var exclVat = groups.Sum(g => g.TaxableAmount);
        var vat = groups.Sum(g => g.VatAmount);
        return new InvoiceTotals(groups, exclVat, vat, exclVat + vat);
    }
}

public static class Money
{
    public static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>Pro-rata line amount: quantity × monthly unit price × days billed ÷ days in month, rounded once.</summary>
    public static decimal ProRataNet(int quantity, decimal monthlyUnitPrice, int days, int daysInMonth) =>
        Cents(quantity * monthlyUnitPrice * days / daysInMonth);
}
