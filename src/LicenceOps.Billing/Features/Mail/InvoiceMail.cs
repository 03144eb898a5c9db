using System.Globalization;
using LicenceOps.Billing.Documents;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Mail;

namespace LicenceOps.Billing.Features.Mail;

/// <summary>
/// The mail Billing sends to a tenant's billing address: the issued invoice (or credit note) with its PDF, and the
/// +7/+15/+30 payment reminders. Queued in the transaction that issues or records the reminder, so an issued
/// invoice always has its mail and a rolled-back issue has none. French for French-speaking countries, else English.
/// </summary>
public static class InvoiceMail
{
    public const string SubjectType = "invoice";
    public const string IssuedPurpose = "invoice-issued";
    public const string ReminderPurpose = "payment-reminder";

    /// <summary>The mails of documents just issued, queued together (one statement on SQLite for a whole run batch).</summary>
    public static Task<IReadOnlyList<QueuedMail>> EnqueueIssuedAsync(UnitOfWork uow, IReadOnlyList<InvoiceRow> invoices) =>
        uow.EnqueueMailManyAsync(invoices.Select(Issued).ToList());

    private static OutgoingMail Issued(InvoiceRow invoice)
    {
        var buyer = invoice.Buyer;
        var seller = invoice.Seller;
        var language = MailLanguages.ForCountry(buyer.CountryCode);
        var credit = invoice.Kind == InvoiceKinds.CreditNote;
        var number = invoice.Number!;
        var total = Money(invoice.TotalInclVat, language);
        var due = Date(invoice.DueDate!.Value, language);
        string subject;
        string[] paragraphs;
        if (language == MailLanguage.French)
        {
            subject = credit ? $"Avoir {number} – {seller.Name}" : $"Facture {number} – {seller.Name}";
            paragraphs = credit
                ? ["Bonjour,", $"Veuillez trouver ci-joint l'avoir {number} d'un montant de {total} TTC.", $"Cordialement,\n{seller.Name}"]
                : ["Bonjour,", $"Veuillez trouver ci-joint la facture {number} ({invoice.Period}) d'un montant de {total} TTC, à régler au plus tard le {due}.",
                    "Le prélèvement ou le paiement par carte est demandé automatiquement ; aucune action n'est nécessaire de votre part si votre moyen de paiement est enregistré.",
                    $"Cordialement,\n{seller.Name}"];
        }
        else
        {
            subject = credit ? $"Credit note {number} – {seller.Name}" : $"Invoice {number} – {seller.Name}";
            paragraphs = credit
                ? ["Hello,", $"Please find attached credit note {number} for {total} incl. VAT.", $"Kind regards,\n{seller.Name}"]
                : ["Hello,", $"Please find attached invoice {number} ({invoice.Period}) for {total} incl. VAT, due by {due}.",
                    "Payment by direct debit or card is requested automatically; nothing to do if your payment method is on file.",
                    $"Kind regards,\n{seller.Name}"];
        }

        return new OutgoingMail(IssuedPurpose, SubjectType, invoice.Id, invoice.TenantId, [buyer.BillingEmail], subject,
            MailBody.Text(paragraphs))
        {
            HtmlBody = MailBody.Html(paragraphs),
            Attachments = [MailAttachment.Resolved(InvoicePdfAttachments.KindName, InvoicePdfAttachments.Reference(invoice), $"{number}.pdf", "application/pdf")],
        };
    }

    public static Task<QueuedMail> EnqueueReminderAsync(UnitOfWork uow, InvoiceRow invoice, int daysOverdue, decimal amountDue)
    {
        var buyer = invoice.Buyer;
        var seller = invoice.Seller;
        var language = MailLanguages.ForCountry(buyer.CountryCode);
        var number = invoice.Number!;
        var amount = Money(amountDue, language);
        var due = Date(invoice.DueDate!.Value, language);
        string subject;
        string[] paragraphs;
        if (language == MailLanguage.French)
        {
            subject = daysOverdue >= 30 ? $"Dernier rappel : facture {number} impayée" : $"Rappel : facture {number} impayée";
            paragraphs = ["Bonjour,",
                $"Sauf erreur de notre part, la facture {number} arrivée à échéance le {due} reste impayée depuis {daysOverdue} jours. Montant restant dû : {amount} TTC.",
                $"Des pénalités de retard ({seller.LatePaymentPenalty}) et l'indemnité forfaitaire de 40 € pour frais de recouvrement sont exigibles. Si vous avez déjà réglé, merci de ne pas tenir compte de ce message.",
                $"Cordialement,\n{seller.Name}"];
        }
        else
        {
            subject = daysOverdue >= 30 ? $"Final reminder: invoice {number} is unpaid" : $"Reminder: invoice {number} is unpaid";
            paragraphs = ["Hello,",
                $"Invoice {number}, due on {due}, is still unpaid {daysOverdue} days later. Amount due: {amount} incl. VAT.",
                $"Late-payment penalties ({seller.LatePaymentPenalty}) and the fixed EUR 40 recovery indemnity apply. If you have already paid, please ignore this message.",
                $"Kind regards,\n{seller.Name}"];
        }

        return uow.EnqueueMailAsync(new OutgoingMail(ReminderPurpose, SubjectType, invoice.Id, invoice.TenantId, [buyer.BillingEmail], subject,
            MailBody.Text(paragraphs))
        {
            HtmlBody = MailBody.Html(paragraphs),
            Headers = new Dictionary<string, string> { ["X-LicenceOps-Days-Overdue"] = daysOverdue.ToString(CultureInfo.InvariantCulture) },
            Attachments = [MailAttachment.Resolved(InvoicePdfAttachments.KindName, InvoicePdfAttachments.Reference(invoice), $"{number}.pdf", "application/pdf")],
        });
    }

    private static string Money(decimal amount, MailLanguage language) =>
        language == MailLanguage.French
            ? FrenchFormat.Money(amount)
            : "EUR " + decimal.Round(amount, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date, MailLanguage language) =>
        language == MailLanguage.French ? FrenchFormat.Date(date) : date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}

/// <summary>Renders the issued document's PDF when its mail is sent, from the stored (immutable) invoice.</summary>
/// <summary>Attaches the stored document (rendered once at issue), so the mailed PDF is byte for byte the one the API serves.</summary>
public sealed class InvoicePdfAttachments(InvoiceStore store, InvoiceDocuments documents) : IMailAttachmentResolver
{
    public const string KindName = "billing-invoice-pdf";

    public string Kind => KindName;

    public static string Reference(InvoiceRow invoice) => $"{invoice.TenantId:D}/{invoice.Id:D}";

    public async Task<byte[]> ResolveAsync(string reference, CancellationToken ct)
    {
        var parts = reference.Split('/');
        if (parts.Length != 2 || !Guid.TryParse(parts[0], out var tenantId) || !Guid.TryParse(parts[1], out var invoiceId))
        {
            throw new InvalidOperationException($"Not an invoice reference: '{reference}'.");
        }

        var invoice = await store.FindAsync(tenantId, invoiceId, ct)
            ?? throw new InvalidOperationException($"Invoice {invoiceId} no longer exists.");
        if (invoice.Number is null)
        {
            throw new InvalidOperationException($"Invoice {invoiceId} is not issued.");
        }

        return (await documents.GetOrRenderAsync(invoice, ct)).Content;
    }
}
