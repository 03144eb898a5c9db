namespace LicenceOps.Billing.Documents;

/// <summary>Everything printed on an invoice or credit note, already computed and rounded.</summary>
public sealed record InvoiceDocument(
    string Kind,
    string Number,
    DateOnly IssueDate,
    DateOnly DueDate,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    string? CreditedInvoiceNumber,
    PartyDetails Seller,
    PartyDetails Buyer,
    IReadOnlyList<InvoiceDocumentLine> Lines,
    IReadOnlyList<VatBreakdown> VatBreakdown,
    decimal TotalExclVat,
    decimal TotalVat,
    decimal TotalInclVat,
    IReadOnlyList<ExchangeRateMention> ExchangeRates,
    IReadOnlyList<string> LegalMentions,
    string PaymentInstructions)
{
    /// <summary>ISO 4217 code of every amount on the document (BT-5).</summary>
    public string Currency { get; init; } = "EUR";

    /// <summary>Issue date of the invoice a credit note corrects (BT-26), beside <see cref="CreditedInvoiceNumber"/>.</summary>
    public DateOnly? CreditedInvoiceIssueDate { get; init; }

    /// <summary>Short payment terms, e.g. "30 jours date de facture" (BT-20); null when nothing is to be paid.</summary>
    public string? PaymentTerms { get; init; }

    /// <summary>Where a SEPA credit transfer goes (BG-16/BG-17); null on a credit note, which asks no payment.</summary>
    public CreditTransfer? CreditTransfer { get; init; }

    /// <summary>
    /// UNTDID 4451 subject code of a legal mention, keyed by the mention's exact text (PMD late-payment penalties,
    /// PMT recovery indemnity, AAB early-payment discount...); a mention without a code is a free note.
    /// </summary>
    public IReadOnlyDictionary<string, string> MentionSubjectCodes { get; init; } = new Dictionary<string, string>();

    /// <summary>VAT is due when the invoice is issued (option "débits") rather than when it is paid (BT-8).</summary>
    public bool VatOnDebits { get; init; }
}

/// <summary>SEPA credit transfer details printed on the invoice; <see cref="Reference"/> is the remittance information.</summary>
public sealed record CreditTransfer(string Iban, string? Bic, string Reference);

/// <param name="Siret">The establishment invoicing (seller) or invoiced.</param>
/// <param name="LegalRegistration">Seller only: legal form, share capital and RCS, printed as one line
/// ("SAS au capital de 10 000,00 € · RCS Paris 123 456 782", Code de commerce art. R123-237).</param>
public sealed record PartyDetails(
    string Name,
    string AddressLine1,
    string? AddressLine2,
    string PostalCode,
    string City,
    string CountryCode,
    string? Siren,
    string? VatNumber,
    string? Siret = null,
    string? LegalRegistration = null);

/// <summary>One billed line; <see cref="ProductGroup"/> is the heading lines are grouped under.</summary>
public sealed record InvoiceDocumentLine(
    string ProductGroup,
    string Description,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    decimal Quantity,
    string Unit,
    decimal UnitPriceExclVat,
    decimal VatRate,
    decimal NetAmount)
{
    /// <summary>EN 16931 VAT category code of the line (BT-151); null lets the rate find it in the breakdown.</summary>
    public string? VatCategory { get; init; }
}

/// <summary>Totals per VAT category and rate (EN 16931 BG-23).</summary>
public sealed record VatBreakdown(
    string Category,
    decimal Rate,
    decimal TaxableAmount,
    decimal VatAmount,
    string? ExemptionReason);

/// <summary>ECB reference rate used to convert a foreign list price: units of <see cref="Currency"/> per 1 EUR.</summary>
public sealed record ExchangeRateMention(string Currency, decimal UnitsPerEuro, DateOnly RateDate);
