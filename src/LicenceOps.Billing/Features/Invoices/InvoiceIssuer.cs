using LicenceOps.Platform;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Contracts.Billing;
using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>
/// Gives drafts their legal numbers. The series counter is bumped and read inside the caller's transaction, so
/// concurrent issuers queue on that row (SQLite: BEGIN IMMEDIATE; SQL Server: the UPDATE's row lock) and an issue
/// that does not happen rolls its bump back with it: the series stays gapless and in issue order.
/// One code path for one document (the issue endpoint, a credit note) and for an invoice run's batch (ADR 0042): the
/// batch is numbered in the order given, with one counter bump per series and one statement per table.
/// </summary>
public static class InvoiceIssuer
{
    /// <param name="issueDate">Today in Paris unless given; only the demo history dates its invoices in the past.</param>
    /// <returns>The issued row, or null when the document is not a draft (nothing changed).</returns>
    public static async Task<InvoiceRow?> IssueAsync(UnitOfWork uow, Guid invoiceId, DateOnly? issueDate = null) =>
        (await IssueAsync(uow, [invoiceId], issueDate)).SingleOrDefault();

    /// <summary>
    /// Issues the drafts among <paramref name="invoiceIds"/>, numbered in that order within each series (documents that
    /// are not drafts are skipped and change nothing). Returns the issued rows in that order.
    /// </summary>
    public static async Task<IReadOnlyList<InvoiceRow>> IssueAsync(UnitOfWork uow, IReadOnlyList<Guid> invoiceIds, DateOnly? issueDate = null) =>
        (await IssueWithLinesAsync(uow, invoiceIds, issueDate)).Rows;

    /// <summary>The documents an <see cref="IssueWithLinesAsync"/> issued, in issue order, with their lines as read in its transaction.</summary>
    public sealed record IssuedBatch(IReadOnlyList<InvoiceRow> Rows, ILookup<Guid, InvoiceLineRow> Lines)
    {
        public static readonly IssuedBatch Empty = new([], Array.Empty<InvoiceLineRow>().ToLookup(l => l.InvoiceId));
    }

    /// <summary>
    /// A draft the caller wrote earlier in the same transaction, as it stored it (its row, its lines in line order, the rates
    /// it was priced at): <see cref="IssueWithLinesAsync"/> issues it without reading it back (ADR 0072).
    /// </summary>
    public sealed record WrittenDraft(InvoiceRow Row, IReadOnlyList<InvoiceLineRow> Lines, IReadOnlyList<InvoiceRateRow> Rates);

    private static readonly IReadOnlyDictionary<Guid, WrittenDraft> NoneWritten = new Dictionary<Guid, WrittenDraft>();

    /// <summary>
    /// As <see cref="IssueAsync(UnitOfWork, IReadOnlyList{Guid}, DateOnly?)"/>, and hands back the lines it read for the
    /// issued event: an invoice run prints each document from these rows instead of reading them back (ADR 0064).
    /// <paramref name="written"/> are drafts the caller inserted in this transaction (an invoice run's batch, ADR 0072): they are
    /// taken as given instead of being read back, with their lines; any other document is read. The issuing update below still
    /// checks every one of them is a draft in the table (its count must match), so a row given wrongly issues nothing.
    /// </summary>
    public static async Task<IssuedBatch> IssueWithLinesAsync(
        UnitOfWork uow, IReadOnlyList<Guid> invoiceIds, DateOnly? issueDate = null, IReadOnlyDictionary<Guid, WrittenDraft>? written = null)
    {
        if (invoiceIds.Count == 0)
        {
            return IssuedBatch.Empty;
        }
        written ??= NoneWritten;
        var unread = invoiceIds.Where(id => !written.ContainsKey(id)).ToList();
        // SQL Server reads committed: the update lock taken here makes a concurrent issuer of the same draft wait for this
        // transaction, then read it issued. SQLite's BEGIN IMMEDIATE already serialises writers. (A draft this transaction
        // inserted is locked by it already.)
        var found = unread.Count == 0
            ? []
            : await uow.QueryAsync<InvoiceRow>(
                uow.Dialect == SqlDialect.SqlServer ? SqlServerDraftsSql : $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id IN @invoiceIds",
                new { invoiceIds = unread });
        var byId = found.Where(d => d.Status == InvoiceStatuses.Draft).ToDictionary(d => d.Id);
        foreach (var id in invoiceIds)
        {
            if (written.TryGetValue(id, out var given) && given.Row.Status == InvoiceStatuses.Draft)
            {
                byId[id] = given.Row;
            }
        }
        var drafts = invoiceIds.Distinct().Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        if (drafts.Count == 0)
        {
            return IssuedBatch.Empty;
        }

        var issued = issueDate ?? ParisCalendar.DateOf(uow.Now);
        foreach (var series in drafts.GroupBy(d => InvoiceNumbering.SeriesOf(d.Kind)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Bumped by the batch's count and read in one statement: the row stays locked by this transaction, so the
            // numbers first … first + count - 1 are this batch's alone.
            var count = series.Count();
            var first = await uow.ExecuteScalarAsync<long>(
                uow.Dialect == SqlDialect.SqlServer
                    ? SqlServerBumpSql
                    : "UPDATE invoice_sequences SET next_value = next_value + @count WHERE series = @series RETURNING next_value - @count",
                new { series = series.Key, count });
            var sequence = first;
            foreach (var draft in series)
            {
                draft.Status = InvoiceStatuses.Issued;
                draft.Number = InvoiceNumbering.Format(draft.Kind, issued, sequence++);
                draft.IssueDate = issued;
                draft.DueDate = draft.Kind == InvoiceKinds.CreditNote ? issued : issued.AddDays(draft.Seller.PaymentTermsDays);
                draft.IssuedAt = uow.Now;
            }
        }

        var updated = await MarkIssuedAsync(uow, drafts);
        if (updated != drafts.Count)
        {
            // Only possible if a writer changed a draft without the locks above: throwing rolls the counter back with
            // everything else, so no number is lost.
            throw new InvalidOperationException($"{drafts.Count - updated} of {drafts.Count} drafts changed while being issued; nothing was issued.");
        }

        var toRead = drafts.Where(d => !written.ContainsKey(d.Id)).Select(d => d.Id).ToList();
        var read = toRead.Count == 0 ? [] : await uow.QueryAsync<InvoiceLineRow>(LinesSql, new { ids = toRead });
        var lines = drafts.Where(d => written.ContainsKey(d.Id)).SelectMany(d => written[d.Id].Lines).Concat(read).ToLookup(l => l.InvoiceId);
        await uow.PublishManyAsync(drafts.Select(d => (object)new InvoiceIssued(d.Id, d.TenantId, d.Number!, d.Kind, issued, d.DueDate!.Value,
            d.TotalExclVat, d.TotalVat, d.TotalInclVat, d.Currency, uow.Now,
            lines[d.Id].Select(l => new InvoicedLine(l.LineNumber, l.SubscriptionId, l.PeriodStart, l.PeriodEnd, l.NetAmount)).ToList())).ToList());
        await uow.AuditManyAsync(drafts.Select(d => new UnitOfWork.AuditEntry("invoice", d.Id, "issued",
            new { number = d.Number, issueDate = issued, dueDate = d.DueDate, d.TotalInclVat }, d.TenantId)).ToList());
        await Mail.InvoiceMail.EnqueueIssuedAsync(uow, drafts);
        return new IssuedBatch(drafts, lines);
    }

    private static Task<int> MarkIssuedAsync(UnitOfWork uow, IReadOnlyList<InvoiceRow> issued)
    {
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            // The unary + keeps SQLite on the primary key, one lookup per issued row, instead of walking every draft
            // through the (status, due_date) index for each of them (a draft-only run leaves thousands).
            var rows = new JsonRows();
            foreach (var d in issued)
            {
                rows.Row().Add(d.Id).Add(d.Number).Add(d.IssueDate).Add(d.DueDate);
            }
            return uow.ExecuteRowsAsync(
                """
                UPDATE invoices SET status = 'issued', number = r.value ->> 1, issue_date = r.value ->> 2, due_date = r.value ->> 3, issued_at = @now
                FROM jsonb_each(CAST(@rows AS TEXT)) AS r
                WHERE invoices.id = r.value ->> 0 AND +invoices.status = 'draft'
                """,
                rows, new { now = uow.Now });
        }
        return uow.ExecuteAsync(SqlServerMarkSql, issued.Select(d => new { d.Number, d.IssueDate, d.DueDate, now = uow.Now, d.Id }).ToList());
    }

    private const string SqlServerDraftsSql = $"SELECT {InvoiceRow.Columns} FROM invoices WITH (UPDLOCK, ROWLOCK) WHERE id IN @invoiceIds";

    private const string SqlServerBumpSql =
        "UPDATE invoice_sequences SET next_value = next_value + @count OUTPUT inserted.next_value - @count WHERE series = @series";

    private const string LinesSql = $"SELECT {InvoiceLineRow.Columns} FROM invoice_lines WHERE invoice_id IN @ids ORDER BY invoice_id, line_number";

    private const string SqlServerMarkSql = """
        UPDATE invoices SET status = 'issued', number = @Number, issue_date = @IssueDate, due_date = @DueDate, issued_at = @now
        WHERE id = @Id AND status = 'draft'
        """;

    /// <summary>What runs on SQL Server, for the T-SQL parse test (no SQL Server runs here).</summary>
    internal static IReadOnlyList<string> SqlServerStatements => [SqlServerDraftsSql, SqlServerBumpSql, LinesSql, SqlServerMarkSql];
}
