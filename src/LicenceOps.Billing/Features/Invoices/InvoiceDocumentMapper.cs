using System.Globalization;
using LicenceOps.Billing.Documents;
using LicenceOps.Billing.Features.Invoicing;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>The original invoice a credit note corrects, as printed on the credit note.</summary>
public sealed record CreditedInvoiceReference(string Number, DateOnly IssueDate);

/// <summary>Maps a stored, issued document to what the renderer prints, with every mandatory mention.</summary>
public static class InvoiceDocumentMapper
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static InvoiceDocument Map(
        InvoiceRow invoice, IReadOnlyList<InvoiceLineRow> lines, IReadOnlyList<InvoiceRateRow> rates, CreditedInvoiceReference? credited)
    {
        if (invoice.Number is null || invoice.IssueDate is not { } issueDate || invoice.DueDate is not { } dueDate)
        {
            throw new InvalidOperationException("Only issued documents have a printable form.");
        }

        var seller = invoice.Seller;
        var buyer = invoice.Buyer;
        var totals = InvoiceTotals.Compute(lines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, invoice.VatExemptionReason)));
        if (totals.VatGroups.Count == 1)
        {
            // A credit note's VAT may be capped below round(net × rate) (CreditNoteVat): print the stored amount.
            totals = totals with { VatGroups = [totals.VatGroups[0] with { VatAmount = invoice.TotalVat }] };
        }
        var isCreditNote = invoice.Kind == InvoiceKinds.CreditNote;

        // Number, dates, period, parties and exchange rates have their own fields, printed once by the renderer;
        // mentions hold only what has no field of its own.
        var mentions = new List<string> { "Catégorie de l'opération : prestation de services" };
        if (credited is not null)
        {
            mentions.Add(F($"Avoir se rapportant à la facture n° {credited.Number} du {credited.IssueDate:dd/MM/yyyy}"));
            if (invoice.CreditReason is not null)
            {
                mentions.Add($"Motif de l'avoir : {invoice.CreditReason}");
            }
        }

        if (invoice.VatExemptionReason is not null)
        {
            mentions.Add(invoice.VatExemptionReason);
        }

        if (seller.VatOnDebits)
        {
            mentions.Add(VatOnDebitsMention);
        }

        // Factur-X files these mentions under UNTDID 4451 subject codes (BT-22) so software can read them.
        var subjectCodes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!isCreditNote)
        {
            mentions.Add(F($"Conditions de paiement : {seller.PaymentTermsDays} jours date de facture, échéance le {dueDate:dd/MM/yyyy}"));
            Coded(F($"Pénalités de retard : {seller.LatePaymentPenalty}"), "PMD");
            Coded("Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 EUR (art. L441-10 du Code de commerce)", "PMT");
            Coded(F($"Escompte : {seller.EarlyPaymentDiscount}"), "AAB");
        }

        void Coded(string mention, string subjectCode)
        {
            mentions.Add(mention);
            subjectCodes[mention] = subjectCode;
        }

        var payment = isCreditNote
            ? F($"Avoir à déduire de la facture {credited?.Number}; aucun paiement n'est dû sur ce document.")
            : F($"Montant à régler : {invoice.TotalInclVat:0.00} EUR au plus tard le {dueDate:dd/MM/yyyy}, par prélèvement ou carte (lien de paiement envoyé par e-mail) ou par virement SEPA : IBAN {seller.Iban}, BIC {seller.Bic}, référence {invoice.Number}.");

        return new InvoiceDocument(
            invoice.Kind,
            invoice.Number,
            issueDate,
            dueDate,
            invoice.PeriodStart,
            invoice.PeriodEnd,
            credited?.Number,
            new PartyDetails(seller.Name, seller.AddressLine1, seller.AddressLine2, seller.PostalCode, seller.City, seller.CountryCode, seller.Siren, seller.VatNumber,
                seller.Siret, LegalRegistration(seller)),
            new PartyDetails(buyer.LegalName, buyer.AddressLine1, buyer.AddressLine2, buyer.PostalCode, buyer.City, buyer.CountryCode, buyer.Siren, buyer.VatNumber,
                buyer.Siret),
            lines.OrderBy(l => l.LineNumber)
                .Select(l => new InvoiceDocumentLine(l.ProductGroup, l.Description, l.PeriodStart, l.PeriodEnd, l.Quantity, l.Unit, l.UnitPriceExclVat, l.VatRate, l.NetAmount)
                {
                    VatCategory = l.VatCategory,
                })
                .ToList(),
            totals.VatGroups.Select(g => new VatBreakdown(g.Category, g.Rate, g.TaxableAmount, g.VatAmount, g.ExemptionReason)).ToList(),
            invoice.TotalExclVat,
            invoice.TotalVat,
            invoice.TotalInclVat,
            rates.Select(r => new ExchangeRateMention(r.Currency, r.UnitsPerEuro, r.RateDate)).ToList(),
            mentions,
            payment)
        {
            Currency = invoice.Currency,
            CreditedInvoiceIssueDate = credited?.IssueDate,
            PaymentTerms = isCreditNote
                ? F($"Avoir à déduire de la facture {credited?.Number} ; aucun paiement n'est dû sur ce document")
                : F($"{seller.PaymentTermsDays} jours date de facture, échéance le {dueDate:dd/MM/yyyy}"),
            CreditTransfer = isCreditNote ? null : new CreditTransfer(seller.Iban, seller.Bic, invoice.Number),
            MentionSubjectCodes = subjectCodes,
            VatOnDebits = seller.VatOnDebits,
        };
    }

    /// <summary>CGI annexe II art. 242 nonies A: printed when the seller opted to pay VAT on debits.</summary>
    public const string VatOnDebitsMention = "Option pour le paiement de la taxe d'après les débits";

    /// <summary>"SAS au capital de 10 000,00 € · RCS Paris 123 456 782"; null on documents drafted before these settings existed.</summary>
    private static string? LegalRegistration(SellerSnapshot seller)
    {
        var parts = new List<string>();
        if (seller.LegalForm is { Length: > 0 } form)
        {
            parts.Add(seller.ShareCapitalEur is { } capital ? $"{form} au capital de {Documents.FrenchFormat.Money(capital)}" : form);
        }

        if (seller.RcsCity is { Length: > 0 } rcs)
        {
            parts.Add($"RCS {rcs} {GroupedSiren(seller.Siren)}");
        }

        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    private static string GroupedSiren(string siren) =>
        siren.Length == 9 ? $"{siren[..3]} {siren[3..6]} {siren[6..]}" : siren;

    private static string F(FormattableString text) => text.ToString(French);
}
