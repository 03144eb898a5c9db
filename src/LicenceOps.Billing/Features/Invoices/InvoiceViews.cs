using LicenceOps.Billing.Features.Invoicing;

namespace LicenceOps.Billing.Features.Invoices;

public sealed record InvoiceSummary(
    Guid Id, Guid TenantId, string Kind, string TypeCode, string? Number, string Status, string Period,
    DateOnly? IssueDate, DateOnly? DueDate, Guid? CreditedInvoiceId, decimal TotalExclVat, decimal TotalVat,
    decimal TotalInclVat, string Currency)
{
    public static InvoiceSummary From(InvoiceRow row) => new(
        row.Id, row.TenantId, row.Kind, InvoiceKinds.TypeCode(row.Kind), row.Number, row.Status, row.Period,
        row.IssueDate, row.DueDate, row.CreditedInvoiceId, row.TotalExclVat, row.TotalVat, row.TotalInclVat, row.Currency);
}

public sealed record InvoiceLineView(
    int LineNumber, string ProductGroup, string Description, DateOnly PeriodStart, DateOnly PeriodEnd, decimal Quantity,
    string Unit, decimal UnitPriceExclVat, string VatCategory, decimal VatRate, decimal NetAmount, int? CreditedLineNumber);

public sealed record InvoiceView(
    Guid Id, Guid TenantId, string Kind, string TypeCode, string? Number, string Status, string Period,
    DateOnly PeriodStart, DateOnly PeriodEnd, DateOnly? IssueDate, DateOnly? DueDate, Guid? CreditedInvoiceId,
    string? CreditedInvoiceNumber, string? CreditReason, BuyerProfile Buyer, SellerSnapshot Seller,
    IReadOnlyList<InvoiceLineView> Lines, IReadOnlyList<VatGroup> VatBreakdown, decimal TotalExclVat, decimal TotalVat,
    decimal TotalInclVat, string Currency, IReadOnlyList<InvoiceRateRow> ExchangeRates, DateTimeOffset? PaidAt,
    string? PaymentIntentId)
{
    public static InvoiceView From(InvoiceRow row, IReadOnlyList<InvoiceLineRow> lines, IReadOnlyList<InvoiceRateRow> rates, CreditedInvoiceReference? credited)
    {
        var totals = InvoiceTotals.Compute(lines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, row.VatExemptionReason)));
        return new InvoiceView(
            row.Id, row.TenantId, row.Kind, InvoiceKinds.TypeCode(row.Kind), row.Number, row.Status, row.Period,
            row.PeriodStart, row.PeriodEnd, row.IssueDate, row.DueDate, row.CreditedInvoiceId, credited?.Number, row.CreditReason,
            row.Buyer, row.Seller,
            lines.Select(l => new InvoiceLineView(l.LineNumber, l.ProductGroup, l.Description, l.PeriodStart, l.PeriodEnd, l.Quantity,
                l.Unit, l.UnitPriceExclVat, l.VatCategory, l.VatRate, l.NetAmount, l.CreditedLineNumber)).ToList(),
            totals.VatGroups, row.TotalExclVat, row.TotalVat, row.TotalInclVat, row.Currency, rates, row.PaidAt, row.PaymentIntentId);
    }
}
