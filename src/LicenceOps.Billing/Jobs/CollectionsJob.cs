using LicenceOps.Platform;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Mail;
using LicenceOps.Contracts.Billing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;

namespace LicenceOps.Billing.Jobs;

public sealed record CollectionsResult(int MarkedOverdue, int RemindersPublished);

/// <summary>
/// Daily: an issued invoice past its due date becomes overdue; an unpaid one gets one reminder event each at
/// +7, +15 and +30 days after the due date (a reminder row per threshold makes each one happen once, even if
/// the job was down on the day: it catches up with the thresholds reached, not with every missed day).
/// </summary>
public sealed class CollectionsJob(ModuleDatabase<BillingModule> database, TimeProvider time)
{
    public const string Id = "billing:collections";
    public static readonly int[] ReminderDays = [7, 15, 30];

    public async Task<CollectionsResult> RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Id);
        var today = ParisCalendar.Today(time);
        var overdue = await database.WriteAsync(async uow =>
        {
            var due = await uow.QueryAsync<Guid>(
                "SELECT id FROM invoices WHERE kind = 'invoice' AND status = 'issued' AND due_date < @today", new { today });
            var marked = 0;
            foreach (var id in due)
            {
                // A payment may have settled it since the read (SQL Server's read committed): then it is not overdue.
                if (await uow.ExecuteAsync("UPDATE invoices SET status = 'overdue' WHERE id = @id AND status = 'issued'", new { id }) == 1)
                {
                    await uow.AuditAsync("invoice", id, "overdue");
                    marked++;
                }
            }

            return marked;
        }, ct);

        var unpaid = await database.QueryAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE kind = 'invoice' AND status = 'overdue' ORDER BY number", null, ct);
        var reminders = 0;
        foreach (var invoice in unpaid)
        {
            var daysOverdue = today.DayNumber - invoice.DueDate!.Value.DayNumber;
            var reached = ReminderDays.Where(d => d <= daysOverdue).ToList();
            if (reached.Count == 0)
            {
                continue;
            }

            reminders += await database.WriteAsync(async uow =>
            {
                var credits = await uow.QueryAsync<decimal>(
                    "SELECT total_incl_vat FROM invoices WHERE credited_invoice_id = @id AND number IS NOT NULL", new { id = invoice.Id });
                var amountDue = invoice.TotalInclVat - credits.Sum();
                if (amountDue <= 0)
                {
                    return 0;
                }

                var sent = 0;
                foreach (var days in reached)
                {
                    var inserted = await uow.ExecuteAsync(
                        """
                        INSERT INTO invoice_reminders (invoice_id, days_overdue, sent_at)
                        SELECT @id, @days, @now
                        WHERE NOT EXISTS (SELECT 1 FROM invoice_reminders WHERE invoice_id = @id AND days_overdue = @days)
                        """,
                        new { id = invoice.Id, days, now = uow.Now });
                    if (inserted == 1 && days == reached.Max())
                    {
                        // Only the latest threshold reached is announced, so a late run does not send three e-mails at once.
                        await uow.PublishAsync(new InvoicePaymentReminderDue(invoice.Id, invoice.TenantId, invoice.Number!, days,
                            invoice.DueDate.Value, amountDue, invoice.Currency, invoice.Buyer.BillingEmail, uow.Now));
                        await InvoiceMail.EnqueueReminderAsync(uow, invoice, days, amountDue);
                        sent++;
                    }
                }

                return sent;
            }, ct);
        }

        return new CollectionsResult(overdue, reminders);
    }
}
