using System.Globalization;
using LicenceOps.Contracts.Billing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Support.Domain;
using LicenceOps.Support.Features;
using LicenceOps.Support.Features.Tickets;

namespace LicenceOps.Support.Consumers;

/// <summary>
/// Opens the one ticket a business event calls for, or adds to it: the dedupe key (unique in the database) names
/// the situation, e.g. "payment-failed:&lt;invoice&gt;", so a redelivered or repeated event never makes a second ticket.
/// A resolved ticket that gets a new event is reopened.
/// </summary>
public static class EventTickets
{
    public static async Task OpenOrUpdateAsync(
        UnitOfWork uow, TicketWriter writer, string dedupeKey, Guid tenantId, string subject, string note, string category, string priority,
        IReadOnlyList<string> tags, Guid? personId = null, Guid? seatId = null)
    {
        var existing = await uow.QuerySingleOrDefaultAsync<TicketRow>($"SELECT {TicketRow.Columns} FROM tickets WHERE dedupe_key = @dedupeKey", new { dedupeKey });
        var noteMessage = new NewMessage(MessageKinds.Note, "system:events", null, note, null, null, true, []);
        if (existing is not null)
        {
            await writer.AddMessageAsync(uow, existing, noteMessage);
            if (existing.Status is TicketStatuses.Resolved or TicketStatuses.Closed)
            {
                var reopened = TicketWriter.Copy(existing);
                reopened.Status = TicketStatuses.Open;
                reopened.ClosedAt = null;
                await writer.SaveAsync(uow, existing, reopened);
            }

            await uow.AuditAsync("ticket", existing.Id, "event-update", new { dedupeKey }, tenantId);
            return;
        }

        var requester = await SupportDirectory.BillingEmailAsync(uow, tenantId);
        // A person is linked only when Support's read copy places them in the event's tenant: a stale or mistaken id
        // must not show one company's person on another company's ticket.
        var person = personId is null ? null : await SupportDirectory.PersonInTenantAsync(uow, personId.Value, tenantId);
        var ticket = await writer.OpenAsync(uow, new NewTicket(tenantId, subject,
            string.IsNullOrWhiteSpace(requester) ? "unknown@invalid.example" : requester, null, person, seatId, category, priority,
            TicketSources.Event, await SupportDirectory.LanguageOfTenantAsync(uow, tenantId), tags, dedupeKey));
        await writer.AddMessageAsync(uow, ticket, noteMessage);
    }

    public static string Money(decimal amount, string currency) =>
        $"{amount.ToString("#,##0.00", CultureInfo.InvariantCulture)} {currency}";
}

/// <summary>Stripe could not collect an invoice: the client must fix its payment method.</summary>
public sealed class PaymentFailedTicketConsumer(ModuleDatabase<SupportModule> database, TicketWriter writer)
    : ModuleConsumer<SupportModule, PaymentFailed>(database)
{
    protected override Task HandleAsync(PaymentFailed m, UnitOfWork uow, CancellationToken ct) =>
        EventTickets.OpenOrUpdateAsync(uow, writer, $"payment-failed:{m.InvoiceId:D}", m.TenantId,
            $"Paiement refusé – facture {m.Number}",
            $"Le prélèvement de la facture {m.Number} a échoué ({m.Reason}) le {m.OccurredAt:yyyy-MM-dd HH:mm} UTC. Contacter le client pour mettre à jour son moyen de paiement.",
            TicketCategories.BillingQuestion, TicketPriorities.High, ["billing", "payment-failed"]);
}

/// <summary>An invoice still unpaid 30 days after its due date: the hotline calls the client (the +7/+15 reminders are mail only).</summary>
public sealed class UnpaidInvoiceTicketConsumer(ModuleDatabase<SupportModule> database, TicketWriter writer)
    : ModuleConsumer<SupportModule, InvoicePaymentReminderDue>(database)
{
    public const int TicketFromDays = 30;

    protected override Task HandleAsync(InvoicePaymentReminderDue m, UnitOfWork uow, CancellationToken ct) =>
        m.DaysOverdue < TicketFromDays
            ? Task.CompletedTask
            : EventTickets.OpenOrUpdateAsync(uow, writer, $"unpaid-30:{m.InvoiceId:D}", m.TenantId,
                $"Facture {m.Number} impayée à +{m.DaysOverdue} jours",
                $"La facture {m.Number} (échéance {m.DueDate:yyyy-MM-dd}) reste due : {EventTickets.Money(m.AmountDue, m.Currency)}. Dernier rappel envoyé à {m.BillingEmail}.",
                TicketCategories.BillingQuestion, TicketPriorities.High, ["billing", "unpaid-30"]);
}
