using LicenceOps.Contracts.Billing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Seats.Consumers;

/// <summary>
/// Keeps Seats' copy of what Billing invoiced, line by line, for the usage report's "cost as invoiced" (ADR 0017).
/// A credit note's lines are stored negative so a month's cost is a sum. An issued document never changes, so a
/// redelivery (new message id) inserts nothing: the key is (invoice, line). Older messages without lines carry
/// nothing a report could allocate and are acknowledged as they are.
/// </summary>
public sealed class InvoiceIssuedConsumer(ModuleDatabase<SeatsModule> db) : ModuleConsumer<SeatsModule, InvoiceIssued>(db)
{
    public const string CreditNoteKind = "credit-note";

    protected override async Task HandleAsync(InvoiceIssued message, UnitOfWork uow, CancellationToken ct)
    {
        var sign = message.Kind == CreditNoteKind ? -1m : 1m;
        foreach (var line in message.Lines ?? [])
        {
            var exists = await uow.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM invoiced_lines WHERE invoice_id = @InvoiceId AND line_number = @LineNumber",
                new { message.InvoiceId, line.LineNumber });
            if (exists > 0)
            {
                continue;
            }

            await uow.ExecuteAsync(
                """
                INSERT INTO invoiced_lines (invoice_id, line_number, tenant_id, invoice_number, kind, issue_date, subscription_id,
                    period_start, period_end, net_amount_eur, received_at)
                VALUES (@InvoiceId, @LineNumber, @TenantId, @Number, @Kind, @IssueDate, @SubscriptionId, @PeriodStart, @PeriodEnd, @amount, @now)
                """,
                new
                {
                    message.InvoiceId, line.LineNumber, message.TenantId, message.Number, message.Kind, message.IssueDate,
                    line.SubscriptionId, line.PeriodStart, line.PeriodEnd, amount = sign * line.NetAmountExclVat, now = uow.Now,
                });
        }
    }
}
