using System.Globalization;
using CsvHelper;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;

namespace LicenceOps.Billing.Features.Exports;

/// <summary>One CSV row per document line, document columns repeated, for the reseller's accountant.</summary>
public sealed record InvoiceCsvRow(
    string Number,
    string Kind,
    string TypeCode,
    string IssueDate,
    string DueDate,
    string Period,
    string Status,
    string? CreditedNumber,
    Guid TenantId,
    string BuyerName,
    string? BuyerSiren,
    string? BuyerVatNumber,
    string BuyerCountry,
    int LineNumber,
    string Description,
    decimal Quantity,
    decimal UnitPriceExclVat,
    string VatCategory,
    decimal VatRate,
    decimal LineNetAmount,
    decimal TotalExclVat,
    decimal TotalVat,
    decimal TotalInclVat,
    string Currency);

public static class InvoiceCsv
{
    /// <summary>Comma-separated, invariant culture (decimal point), dates yyyy-MM-dd, amounts as stored (cents).</summary>
    public static void Write(TextWriter writer, IEnumerable<(InvoiceRow Invoice, IReadOnlyList<InvoiceLineRow> Lines, string? CreditedNumber)> documents)
    {
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: true);
        csv.WriteHeader<InvoiceCsvRow>();
        csv.NextRecord();
        foreach (var (invoice, lines, creditedNumber) in documents)
        {
            var buyer = invoice.Buyer;
            foreach (var line in lines.OrderBy(l => l.LineNumber))
            {
                csv.WriteRecord(new InvoiceCsvRow(
                    invoice.Number ?? "",
                    invoice.Kind,
                    InvoiceKinds.TypeCode(invoice.Kind),
                    invoice.IssueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                    invoice.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                    invoice.Period,
                    invoice.Status,
                    creditedNumber,
                    invoice.TenantId,
                    buyer.LegalName,
                    buyer.Siren,
                    buyer.VatNumber,
                    buyer.CountryCode,
                    line.LineNumber,
                    line.Description,
                    line.Quantity,
                    line.UnitPriceExclVat,
                    line.VatCategory,
                    line.VatRate,
                    line.NetAmount,
                    invoice.TotalExclVat,
                    invoice.TotalVat,
                    invoice.TotalInclVat,
                    invoice.Currency));
                csv.NextRecord();
            }
        }
    }
}
