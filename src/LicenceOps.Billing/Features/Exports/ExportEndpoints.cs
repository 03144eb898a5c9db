using System.Globalization;
using System.Runtime.CompilerServices;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Billing.Features.Exports;

internal static class ExportEndpoints
{
    public static void MapExportEndpoints(this IEndpointRouteBuilder api) =>
        api.MapGet("/billing/exports/invoices.csv", ExportAsync).RequireAuthorization(Policies.Billing)
            .WithSummary("Issued invoices and credit notes (one row per line) issued between from and to, inclusive.");

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> ExportAsync(
        string? from, string? to, ModuleDatabase<BillingModule> database, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var start = Parse(from, "from", errors);
        var end = Parse(to, "to", errors);
        if (!errors.Any && end < start)
        {
            errors.Add("to", "to must not be before from.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        // The numbers of the invoices that credit notes of the range refer to: few, and needed before their rows stream.
        var numbers = await database.QueryAsync<NumberRow>(
            """
            SELECT id AS Id, number AS Number FROM invoices
            WHERE id IN (SELECT credited_invoice_id FROM invoices
                         WHERE credited_invoice_id IS NOT NULL AND number IS NOT NULL AND issue_date >= @start AND issue_date <= @end)
            """,
            new { start, end }, ct);
        var numberById = numbers.ToDictionary(n => n.Id, n => n.Number);
        var invoices = database.StreamAsync<InvoiceRow>(
            $"""
             SELECT {InvoiceRow.Columns} FROM invoices
             WHERE number IS NOT NULL AND issue_date >= @start AND issue_date <= @end
             ORDER BY kind, number
             """,
            new { start, end }, ct);
        return CsvStreaming.Stream(
            WithLinesAsync(database, invoices, ct),
            (text, chunk, first) => InvoiceCsv.Write(text,
                chunk.Select(d => (d.Invoice, d.Lines, d.Invoice.CreditedInvoiceId is { } credited ? numberById.GetValueOrDefault(credited) : null)),
                header: first),
            "text/csv", $"invoices-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}.csv", byteOrderMark: true);
    }

    /// <summary>Lines of a batch of streamed invoices in one query per batch: constant memory, no query per invoice.</summary>
    private static async IAsyncEnumerable<(InvoiceRow Invoice, IReadOnlyList<InvoiceLineRow> Lines)> WithLinesAsync(
        ModuleDatabase<BillingModule> database, IAsyncEnumerable<InvoiceRow> invoices, [EnumeratorCancellation] CancellationToken ct)
    {
        var batch = new List<InvoiceRow>(CsvStreaming.RowsPerChunk);
        await foreach (var invoice in invoices.WithCancellation(ct))
        {
            batch.Add(invoice);
            if (batch.Count == CsvStreaming.RowsPerChunk)
            {
                foreach (var document in await LinesOfAsync(database, batch, ct))
                {
                    yield return document;
                }
                batch.Clear();
            }
        }
        foreach (var document in await LinesOfAsync(database, batch, ct))
        {
            yield return document;
        }
    }

    private static async Task<IReadOnlyList<(InvoiceRow, IReadOnlyList<InvoiceLineRow>)>> LinesOfAsync(
        ModuleDatabase<BillingModule> database, IReadOnlyList<InvoiceRow> batch, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return [];
        }
        var ids = batch.Select(i => i.Id).ToList();
        var lines = (await database.QueryAsync<InvoiceLineRow>(
            $"SELECT {InvoiceLineRow.Columns} FROM invoice_lines WHERE invoice_id IN @ids", new { ids }, ct)).ToLookup(l => l.InvoiceId);
        return batch.Select(i => (i, (IReadOnlyList<InvoiceLineRow>)lines[i.Id].ToList())).ToList();
    }

    private sealed class NumberRow
    {
        public Guid Id { get; set; }
        public string Number { get; set; } = "";
    }

    private static DateOnly Parse(string? value, string field, ValidationErrors errors)
    {
        if (value is not null && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(field, $"{field} is required, as yyyy-MM-dd.");
        return default;
    }
}
