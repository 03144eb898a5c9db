using System.Globalization;
using System.Text;
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

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(
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

        var invoices = await database.QueryAsync<InvoiceRow>(
            $"""
             SELECT {InvoiceRow.Columns} FROM invoices
             WHERE number IS NOT NULL AND issue_date >= @start AND issue_date <= @end
             ORDER BY kind, number
             """,
            new { start, end }, ct);
        var ids = invoices.Select(i => i.Id).ToList();
        var lines = ids.Count == 0
            ? []
            : await database.QueryAsync<InvoiceLineRow>(
                $"""
                 SELECT {InvoiceLineRow.Columns} FROM invoice_lines
                 WHERE invoice_id IN (SELECT id FROM invoices WHERE number IS NOT NULL AND issue_date >= @start AND issue_date <= @end)
                 """,
                new { start, end }, ct);
        var numbers = await database.QueryAsync<NumberRow>(
            "SELECT id AS Id, number AS Number FROM invoices WHERE kind = 'invoice' AND number IS NOT NULL", null, ct);
        var numberById = numbers.ToDictionary(n => n.Id, n => n.Number);
        var linesById = lines.GroupBy(l => l.InvoiceId).ToDictionary(g => g.Key, g => (IReadOnlyList<InvoiceLineRow>)g.ToList());

        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        InvoiceCsv.Write(text, invoices.Select(i => (
            i,
            linesById.GetValueOrDefault(i.Id) ?? (IReadOnlyList<InvoiceLineRow>)[],
            i.CreditedInvoiceId is { } credited ? numberById.GetValueOrDefault(credited) : null)));
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray(),
            "text/csv", $"invoices-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}.csv");
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
