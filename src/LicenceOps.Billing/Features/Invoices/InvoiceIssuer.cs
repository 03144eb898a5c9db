using LicenceOps.Platform;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Contracts.Billing;
using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>
/// Gives a draft its legal number. The series counter is bumped and read inside the caller's transaction, so
/// concurrent issuers queue on that row (SQLite: BEGIN IMMEDIATE; SQL Server: the UPDATE's row lock) and
/// an issue that does not happen gives its number back: the series stays gapless and in issue order.
/// </summary>
public static class InvoiceIssuer
{
    /// <param name="issueDate">Today in Paris unless given; only the demo history dates its invoices in the past.</param>
    /// <returns>The issued row, or null when the document is not a draft (nothing changed).</returns>
    public static async Task<InvoiceRow?> IssueAsync(UnitOfWork uow, Guid invoiceId, DateOnly? issueDate = null)
    {
        var draft = await uow.QuerySingleOrDefaultAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId", new { invoiceId });
        if (draft is null || draft.Status != InvoiceStatuses.Draft)
        {
            return null;
        }

        var series = InvoiceNumbering.SeriesOf(draft.Kind);
        // Bumped and read in one statement (every invoice of a run passes here): the row stays locked by this
        // transaction either way, so the number is the same one the former UPDATE-then-SELECT read.
        var sequence = await uow.ExecuteScalarAsync<long>(
            uow.Dialect == SqlDialect.SqlServer
                ? "UPDATE invoice_sequences SET next_value = next_value + 1 OUTPUT inserted.next_value - 1 WHERE series = @series"
                : "UPDATE invoice_sequences SET next_value = next_value + 1 WHERE series = @series RETURNING next_value - 1",
            new { series });

        var issued = issueDate ?? ParisCalendar.DateOf(uow.Now);
        var dueDate = draft.Kind == InvoiceKinds.CreditNote ? issued : issued.AddDays(draft.Seller.PaymentTermsDays);
        var number = InvoiceNumbering.Format(draft.Kind, issued, sequence);
        var updated = await uow.ExecuteAsync(
            """
            UPDATE invoices SET status = 'issued', number = @number, issue_date = @issueDate, due_date = @dueDate, issued_at = @now
            WHERE id = @invoiceId AND status = 'draft'
            """,
            new { number, issueDate = issued, dueDate, now = uow.Now, invoiceId });
        if (updated != 1)
        {
            // Issued by a concurrent transaction between our read and our write (possible on SQL Server's read
            // committed): we still hold the counter row's lock, so giving the number back leaves no gap.
            await uow.ExecuteAsync("UPDATE invoice_sequences SET next_value = next_value - 1 WHERE series = @series", new { series });
            return null;
        }

        draft.Status = InvoiceStatuses.Issued;
        draft.Number = number;
        draft.IssueDate = issued;
        draft.DueDate = dueDate;
        draft.IssuedAt = uow.Now;
        var lines = await uow.QueryAsync<InvoiceLineRow>(
            $"SELECT {InvoiceLineRow.Columns} FROM invoice_lines WHERE invoice_id = @invoiceId ORDER BY line_number", new { invoiceId });
        await uow.PublishAsync(new InvoiceIssued(draft.Id, draft.TenantId, number, draft.Kind, issued, dueDate,
            draft.TotalExclVat, draft.TotalVat, draft.TotalInclVat, draft.Currency, uow.Now,
            lines.Select(l => new InvoicedLine(l.LineNumber, l.SubscriptionId, l.PeriodStart, l.PeriodEnd, l.NetAmount)).ToList()));
        await uow.AuditAsync("invoice", draft.Id, "issued", new { number, issueDate = issued, dueDate, draft.TotalInclVat }, draft.TenantId);
        await Mail.InvoiceMail.EnqueueIssuedAsync(uow, draft);
        return draft;
    }
}
