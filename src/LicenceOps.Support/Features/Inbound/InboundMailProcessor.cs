using System.Data.Common;
using LicenceOps.Platform.Data;
using LicenceOps.Support.Domain;
using LicenceOps.Support.Features.Tickets;

namespace LicenceOps.Support.Features.Inbound;

public sealed record InboundReceipt(Guid TicketId, string Number, string Outcome, bool Triage, bool Acknowledged, string? AutomaticReason);

public static class InboundOutcomes
{
    public const string Created = "created";
    public const string Threaded = "threaded";
    public const string Duplicate = "duplicate";
}

/// <summary>
/// Stores one parsed inbound message: onto the ticket it answers (by In-Reply-To/References, else by the [#T-n]
/// subject tag when the sender belongs to that ticket), or as a new ticket, acknowledged unless automatic. One
/// transaction: ticket, message, attachments and acknowledgement mail commit together or not at all. The same
/// Message-Id delivered twice (provider retry, IMAP re-read) is stored once.
/// </summary>
public sealed class InboundMailProcessor(ModuleDatabase<SupportModule> db, TicketWriter writer, TicketMail mail)
{
    public async Task<InboundReceipt> ProcessAsync(ParsedInbound inbound, CancellationToken ct)
    {
        try
        {
            return await db.WriteAsync(uow => StoreAsync(uow, inbound), ct);
        }
        catch (DbException) when (db.Dialect == SqlDialect.SqlServer)
        {
            // Read committed lets two deliveries of one message race past the duplicate check; the unique index on
            // message_id stops the second, and this pass then finds the first one's ticket.
            return await db.WriteAsync(uow => StoreAsync(uow, inbound), ct);
        }
    }

    private async Task<InboundReceipt> StoreAsync(UnitOfWork uow, ParsedInbound inbound)
    {
        var existing = await uow.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT ticket_id FROM ticket_messages WHERE message_id = @MessageId", new { inbound.MessageId });
        if (existing is { } duplicateOf)
        {
            var ticket = (await TicketWriter.FindAsync(uow, duplicateOf))!;
            return new InboundReceipt(ticket.Id, ticket.DisplayNumber, InboundOutcomes.Duplicate, ticket.TenantId is null, false, inbound.AutomaticReason);
        }

        var sender = await SupportDirectory.IdentifyAsync(uow, inbound.FromAddress);
        var message = new NewMessage(MessageKinds.Inbound, inbound.FromName ?? inbound.FromAddress, inbound.FromAddress, inbound.BodyText,
            inbound.BodyHtml, inbound.MessageId, inbound.IsAutomatic, inbound.Attachments);
        var thread = await FindThreadAsync(uow, inbound, sender);
        if (thread is not null && thread.Status != TicketStatuses.Closed)
        {
            await writer.AddMessageAsync(uow, thread, message);
            var after = TicketWriter.Copy(thread);
            if (!inbound.IsAutomatic)
            {
                after.Status = TicketWriter.StatusAfterClientMessage(thread.Status);
            }

            if (!await writer.SaveAsync(uow, thread, after))
            {
                throw new ConcurrentTicketChangeException();
            }

            await uow.AuditAsync("ticket", thread.Id, "mail-received", new { inbound.MessageId, automatic = inbound.AutomaticReason }, thread.TenantId);
            return new InboundReceipt(thread.Id, thread.DisplayNumber, InboundOutcomes.Threaded, thread.TenantId is null, false, inbound.AutomaticReason);
        }

        List<string> tags = [];
        if (inbound.IsAutomatic)
        {
            tags.Add("automatic");
        }

        if (thread is not null)
        {
            // The client answered a closed ticket: a new ticket, tagged so the agent sees the history.
            tags.Add($"follow-up:t-{thread.Number}");
        }

        var ticket2 = await writer.OpenAsync(uow, new NewTicket(sender.TenantId, inbound.Subject, inbound.FromAddress,
            sender.DisplayName ?? inbound.FromName, sender.PersonId, null, TicketCategories.Other, TicketPriorities.Normal, TicketSources.Email,
            sender.Language, tags, null));
        await writer.AddMessageAsync(uow, ticket2, message);
        var acknowledged = false;
        if (!inbound.IsAutomatic)
        {
            await mail.AcknowledgeAsync(uow, writer, ticket2, inbound.MessageId, [.. inbound.ReferencedIds.Reverse(), inbound.MessageId]);
            acknowledged = true;
        }

        return new InboundReceipt(ticket2.Id, ticket2.DisplayNumber, InboundOutcomes.Created, ticket2.TenantId is null, acknowledged, inbound.AutomaticReason);
    }

    private static async Task<TicketRow?> FindThreadAsync(UnitOfWork uow, ParsedInbound inbound, KnownSender sender)
    {
        if (inbound.ReferencedIds.Count > 0)
        {
            var ids = inbound.ReferencedIds.Take(50).ToList();
            var candidates = await uow.QueryAsync<ThreadHit>(
                "SELECT ticket_id AS TicketId, message_id AS MessageId FROM ticket_messages WHERE message_id IN @ids", new { ids });
            // In-Reply-To first, then References from the newest: the most specific match wins.
            foreach (var id in ids)
            {
                if (candidates.FirstOrDefault(c => c.MessageId == id) is { } hit)
                {
                    return await TicketWriter.FindAsync(uow, hit.TicketId);
                }
            }
        }

        if (TicketNumbers.FromSubject(inbound.Subject) is { } number)
        {
            var tagged = await uow.QuerySingleOrDefaultAsync<TicketRow>($"SELECT {TicketRow.Columns} FROM tickets WHERE number = @number", new { number });
            // A subject tag is easy to type: it only threads mail from the ticket's requester or its company, so
            // nobody can write into another tenant's ticket by guessing a number.
            if (tagged is not null
                && (string.Equals(tagged.RequesterEmail, inbound.FromAddress, StringComparison.OrdinalIgnoreCase)
                    || (tagged.TenantId is not null && tagged.TenantId == sender.TenantId)))
            {
                return tagged;
            }
        }

        return null;
    }

    private sealed record ThreadHit(Guid TicketId, string MessageId);
}
