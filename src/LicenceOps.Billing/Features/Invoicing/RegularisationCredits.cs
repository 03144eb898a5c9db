using System.Globalization;

namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>The credit a month owes back on one earlier invoice: regularisation lines made positive, numbered from 1.</summary>
public sealed record RegularisationCredit(DateOnly CorrectedPeriodStart, IReadOnlyList<DraftLine> Lines, string Reason);

/// <summary>What a drafted month becomes: an invoice (null when nothing is left to invoice) and credit notes on earlier invoices.</summary>
public sealed record MonthDocuments(InvoiceDraft? Invoice, IReadOnlyList<RegularisationCredit> Credits);

/// <summary>
/// A month whose regularisations exceed its charges must not give a negative invoice: an invoice states a sum owed, and
/// a reduction of an earlier invoice is a credit note referring to it (CGI art. 242 nonies A I-11°, EN 16931 BT-25).
/// So when a draft's total is below zero, its negative regularisation lines leave it and become one credit note per
/// invoice they correct; the rest (this month's charges and any positive regularisation) stays an invoice. A draft
/// that totals zero or more is kept whole: a negative line on a positive invoice is an ordinary deduction.
/// </summary>
public static class RegularisationCredits
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static MonthDocuments Split(InvoiceDraft draft, string? exemptionReason)
    {
        if (draft.Totals.TotalExclVat >= 0)
        {
            return new MonthDocuments(draft, []);
        }

        // Regularisation lines are the ones dated before the month (Regularisation names the month it corrects).
        bool Credited(DraftLine line) => line.NetAmount < 0 && line.PeriodStart < draft.Period.Start;
        var kept = draft.Lines.Where(l => !Credited(l)).Select((l, i) => l with { LineNumber = i + 1 }).ToList();
        var credits = draft.Lines.Where(Credited)
            .GroupBy(l => l.PeriodStart)
            .OrderBy(g => g.Key)
            .Select(g => new RegularisationCredit(
                g.Key,
                g.Select((l, i) => l with
                {
                    LineNumber = i + 1,
                    UnitPriceExclVat = -l.UnitPriceExclVat,
                    NetAmount = -l.NetAmount,
                    Description = l.Description.Replace("Régularisation (avoir)", "Régularisation", StringComparison.Ordinal),
                }).ToList(),
                string.Create(French, $"Régularisation {g.Key:MM/yyyy} constatée à la facturation de {draft.Period.Start:MM/yyyy} : changement enregistré après facturation")))
            .ToList();

        InvoiceDraft? invoice = null;
        if (kept.Count > 0)
        {
            var totals = InvoiceTotals.Compute(kept.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, exemptionReason)));
            invoice = draft with { Lines = kept, Totals = totals };
        }

        return new MonthDocuments(invoice, credits);
    }
}
