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
    string PaymentInstructions);

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
    decimal NetAmount);

/// <summary>Totals per VAT category and rate (EN 16931 BG-23).</summary>
public sealed record VatBreakdown(
    string Category,
    decimal Rate,
    decimal TaxableAmount,
    decimal VatAmount,
    string? ExemptionReason);

/// <summary>ECB reference rate used to convert a foreign list price: units of <see cref="Currency"/> per 1 EUR.</summary>
public sealed record ExchangeRateMention(string Currency, decimal UnitsPerEuro, DateOnly RateDate);
