using LicenceOps.Platform.Data;
using LicenceOps.Platform.Mail;
using LicenceOps.Support.Domain;
using MimeKit;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>
/// Mail the hotline sends about a ticket: the automatic acknowledgement and agent replies, from the support
/// mailbox, subject tagged [#T-n], threaded with In-Reply-To/References onto the client's own messages. Every
/// outbound Message-Id is stored on the conversation, so the client's answer threads back by header.
/// </summary>
public sealed class TicketMail(SupportOptions options)
{
    public const string SubjectType = "ticket";
    public const string AcknowledgementPurpose = "ticket-acknowledgement";
    public const string ReplyPurpose = "ticket-reply";
    public const string EscalationPurpose = "ticket-escalation";

    public string Mailbox => options.Mailbox;

    public string NewMessageId(long number, Guid messageRowId)
    {
        var domain = MailboxAddress.TryParse(options.Mailbox, out var mailbox) && mailbox.Domain.Length > 0 ? mailbox.Domain : "licenceops.local";
        return $"ticket-{number}.{messageRowId:N}@{domain}";
    }

    public async Task<QueuedMail> AcknowledgeAsync(UnitOfWork uow, TicketWriter writer, TicketRow ticket, string? inReplyTo, IReadOnlyList<string> references)
    {
        var number = ticket.DisplayNumber;
        string[] paragraphs = MailLanguages.Parse(ticket.Language) == MailLanguage.French
            ? ["Bonjour,",
                $"Nous avons bien reçu votre demande « {ticket.Subject} », enregistrée sous le numéro {number}. Notre équipe vous répondra au plus vite (jours ouvrés, de {options.BusinessHoursOpen} à {options.BusinessHoursClose}, heure de Paris).",
                $"Pour compléter votre demande, répondez simplement à ce message en conservant {TicketNumbers.Tag(ticket.Number)} dans l'objet.",
                "Ceci est un accusé de réception automatique."]
            : ["Hello,",
                $"We have received your request \"{ticket.Subject}\", recorded as {number}. Our team will answer as soon as possible (business days, {options.BusinessHoursOpen}–{options.BusinessHoursClose} Paris time).",
                $"To add anything, just reply to this message and keep {TicketNumbers.Tag(ticket.Number)} in the subject.",
                "This is an automatic acknowledgement."];
        var text = MailBody.Text(paragraphs);
        var row = await writer.AddMessageAsync(uow, ticket,
            new NewMessage(MessageKinds.Outbound, "system:acknowledgement", options.Mailbox, text, null, null, true, []));
        return await SendAsync(uow, ticket, row, AcknowledgementPurpose, text, MailBody.Html(paragraphs), inReplyTo, references, automatic: true);
    }

    public async Task<QueuedMail> ReplyAsync(UnitOfWork uow, TicketRow ticket, TicketMessageRow reply)
    {
        var thread = await uow.QueryAsync<ThreadEntry>(
            "SELECT message_id AS MessageId, kind AS Kind FROM ticket_messages WHERE ticket_id = @Id AND message_id IS NOT NULL AND seq < @Seq ORDER BY seq",
            new { ticket.Id, reply.Seq });
        var inReplyTo = thread.LastOrDefault(t => t.Kind == MessageKinds.Inbound)?.MessageId ?? thread.LastOrDefault()?.MessageId;
        var footer = MailLanguages.Parse(ticket.Language) == MailLanguage.French
            ? $"Référence : {ticket.DisplayNumber}. Répondez à ce message pour continuer l'échange."
            : $"Reference: {ticket.DisplayNumber}. Reply to this message to continue the conversation.";
        string[] paragraphs = [reply.BodyText.Trim(), footer];
        // RFC 5322 §3.6.4: References carries the thread; long threads keep their first and latest entries.
        var references = thread.Select(t => t.MessageId!).ToList();
        if (references.Count > 20)
        {
            references = [references[0], .. references.TakeLast(19)];
        }

        return await SendAsync(uow, ticket, reply, ReplyPurpose, MailBody.Text(paragraphs), MailBody.Html(paragraphs), inReplyTo, references, automatic: false);
    }

    private async Task<QueuedMail> SendAsync(
        UnitOfWork uow, TicketRow ticket, TicketMessageRow row, string purpose, string text, string html,
        string? inReplyTo, IReadOnlyList<string> references, bool automatic)
    {
        var messageId = NewMessageId(ticket.Number, row.Id);
        await uow.ExecuteAsync("UPDATE ticket_messages SET message_id = @messageId WHERE id = @Id", new { messageId, row.Id });
        row.MessageId = messageId;
        var headers = new Dictionary<string, string>
        {
            ["X-LicenceOps-Ticket"] = ticket.DisplayNumber,
        };
        if (automatic)
        {
            // RFC 3834: marks the acknowledgement as automatic, so well-behaved responders do not answer it (no loop).
            headers["Auto-Submitted"] = "auto-replied";
            headers["X-Auto-Response-Suppress"] = "All";
        }

        var subject = ticket.Subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? ticket.Subject : "Re: " + ticket.Subject;
        return await uow.EnqueueMailAsync(new OutgoingMail(purpose, SubjectType, ticket.Id, ticket.TenantId, [ticket.RequesterEmail],
            TicketNumbers.TaggedSubject(ticket.Number, subject), text)
        {
            HtmlBody = html,
            From = options.Mailbox,
            MessageId = messageId,
            InReplyTo = inReplyTo,
            References = references,
            Headers = headers,
        });
    }

    /// <summary>Tells the hotline lead a ticket breached its SLA.</summary>
    public Task<QueuedMail>? EscalateAsync(UnitOfWork uow, TicketRow ticket, string why)
    {
        if (string.IsNullOrWhiteSpace(options.EscalationEmail))
        {
            return null;
        }

        string[] paragraphs = [$"{ticket.DisplayNumber} « {ticket.Subject} » ({ticket.Priority}, {ticket.Status}) : {why}",
            $"Demandeur : {ticket.RequesterEmail}. Agent : {ticket.AssignedAgent ?? "aucun"}."];
        return uow.EnqueueMailAsync(new OutgoingMail(EscalationPurpose, SubjectType, ticket.Id, ticket.TenantId, [options.EscalationEmail],
            $"[SLA] {TicketNumbers.Tag(ticket.Number)} {ticket.Subject}", MailBody.Text(paragraphs))
        {
            From = options.Mailbox,
            Headers = new Dictionary<string, string> { ["Auto-Submitted"] = "auto-generated" },
        });
    }

    private sealed record ThreadEntry(string? MessageId, string Kind);
}
