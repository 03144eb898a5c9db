using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>Reads of stored invoices, shared by the invoice features.</summary>
public sealed class InvoiceStore(ModuleDatabase<BillingModule> database)
{
    public Task<InvoiceRow?> FindAsync(Guid tenantId, Guid invoiceId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId AND tenant_id = @tenantId",
            new { invoiceId, tenantId }, ct);

    public Task<IReadOnlyList<InvoiceLineRow>> LinesAsync(Guid invoiceId, CancellationToken ct) =>
        database.QueryAsync<InvoiceLineRow>(
            $"SELECT {InvoiceLineRow.Columns} FROM invoice_lines WHERE invoice_id = @invoiceId ORDER BY line_number",
            new { invoiceId }, ct);

    public Task<IReadOnlyList<InvoiceRateRow>> RatesAsync(Guid invoiceId, CancellationToken ct) =>
        database.QueryAsync<InvoiceRateRow>(
            $"SELECT {InvoiceRateRow.Columns} FROM invoice_exchange_rates WHERE invoice_id = @invoiceId ORDER BY currency",
            new { invoiceId }, ct);

    public async Task<CreditedInvoiceReference?> CreditedReferenceAsync(InvoiceRow invoice, CancellationToken ct)
    {
        if (invoice.CreditedInvoiceId is not { } originalId)
        {
            return null;
        }

        var original = await FindAsync(invoice.TenantId, originalId, ct);
        return original is { Number: { } number, IssueDate: { } issued } ? new CreditedInvoiceReference(number, issued) : null;
    }

    /// <summary>Net amount already credited per original line, over every credit note of an invoice.</summary>
    public static async Task<Dictionary<int, decimal>> CreditedPerLineAsync(UnitOfWork uow, Guid invoiceId)
    {
        var rows = await uow.QueryAsync<InvoiceLineRow>(
            $"""
             SELECT {InvoiceLineRow.Columns} FROM invoice_lines
             WHERE invoice_id IN (SELECT id FROM invoices WHERE credited_invoice_id = @invoiceId) AND credited_line_number IS NOT NULL
             """,
            new { invoiceId });
        return rows.GroupBy(r => r.CreditedLineNumber!.Value).ToDictionary(g => g.Key, g => g.Sum(r => r.NetAmount));
    }
}
