using System.Globalization;
using CsvHelper;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;

namespace LicenceOps.Billing.Features.Exports;

/// <summary>One CSV row per document line, document columns repeated, for the reseller's accountant.</summary>
public static class InvoiceCsv
{
    public static readonly string[] Header =
    [
        "number", "kind", "type_code", "issue_date", "due_date", "period", "status", "credited_number",
        "tenant_id", "buyer_name", "buyer_siren", "buyer_vat_number", "buyer_country",
        "line_number", "description", "quantity", "unit_price_excl_vat", "vat_category", "vat_rate", "line_net_amount",
        "total_excl_vat", "total_vat", "total_incl_vat", "currency",
    ];

    /// <summary>RFC 4180, invariant culture (decimal point), dates yyyy-MM-dd; text that a spreadsheet would run as a formula is escaped.</summary>
    public static void Write(
        TextWriter writer, IEnumerable<(InvoiceRow Invoice, IReadOnlyList<InvoiceLineRow> Lines, string? CreditedNumber)> documents, bool header = true)
    {
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        if (header)
        {
            csv.WriteRecord(Header);
        }
        foreach (var (invoice, lines, creditedNumber) in documents)
        {
            var buyer = invoice.Buyer;
            foreach (var line in lines.OrderBy(l => l.LineNumber))
            {
                csv.WriteRecord(
                [
                    invoice.Number ?? "",
                    invoice.Kind,
                    InvoiceKinds.TypeCode(invoice.Kind),
                    Date(invoice.IssueDate),
                    Date(invoice.DueDate),
                    invoice.Period,
                    invoice.Status,
                    creditedNumber ?? "",
                    invoice.TenantId.ToString("D"),
                    buyer.LegalName,
                    buyer.Siren ?? "",
                    buyer.VatNumber ?? "",
                    buyer.CountryCode,
                    line.LineNumber.ToString(CultureInfo.InvariantCulture),
                    line.Description,
                    Number(line.Quantity, "0.####"),
                    Number(line.UnitPriceExclVat, "0.00##"),
                    line.VatCategory,
                    Number(line.VatRate, "0.##"),
                    Number(line.NetAmount, "0.00"),
                    Number(invoice.TotalExclVat, "0.00"),
                    Number(invoice.TotalVat, "0.00"),
                    Number(invoice.TotalInclVat, "0.00"),
                    invoice.Currency,
                ]);
            }
        }

        csv.Flush();
    }

    private static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    // Explicit formats, so SQL Server's DECIMAL(19,4) scale and SQLite's text give the same file.
    private static string Number(decimal value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
