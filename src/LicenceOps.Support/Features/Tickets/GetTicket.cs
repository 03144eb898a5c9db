using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Mail;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>GET /api/tickets/{id}: the ticket and its conversation; internal notes only for staff; each outgoing message with its delivery status.</summary>
internal static class GetTicket
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/{ticketId:guid}", HandleAsync).WithSummary("One ticket with its conversation and mail delivery status.");
        group.MapGet("/{ticketId:guid}/attachments/{attachmentId:guid}", AttachmentAsync).WithSummary("Download an attachment of the conversation.");
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> HandleAsync(
        Guid ticketId, CurrentUser user, ModuleDatabase<SupportModule> db, CancellationToken ct)
    {
        var ticket = await TicketAccess.FindVisibleAsync(db, user, ticketId, ct);
        return ticket is null ? Problems.NotFound($"No ticket {ticketId}.") : TypedResults.Ok(await ViewAsync(db, ticket, user.IsStaff, ct));
    }

    public static async Task<TicketView> ViewAsync(ModuleDatabase<SupportModule> db, TicketRow t, bool staff, CancellationToken ct)
    {
        var messages = await db.QueryAsync<TicketMessageRow>(
            $"SELECT {TicketMessageRow.Columns} FROM ticket_messages WHERE ticket_id = @Id ORDER BY seq", new { t.Id }, ct);
        var attachments = await db.QueryAsync<TicketAttachmentRow>(
            """
            SELECT id AS Id, message_id AS MessageId, file_name AS FileName, content_type AS ContentType, size_bytes AS SizeBytes
            FROM ticket_attachments WHERE ticket_id = @Id
            """,
            new { t.Id }, ct);
        var deliveries = (await MailLog.ForSubjectAsync(db, TicketMail.SubjectType, t.Id, ct))
            .GroupBy(d => d.MessageId).ToDictionary(g => g.Key, g => g.Last());
        var views = messages
            .Where(m => staff || m.Kind != MessageKinds.Note)
            .Select(m => new MessageView(m.Id, m.Kind, m.Author, m.FromAddress, m.BodyText, m.IsAutomatic, m.CreatedAt,
                attachments.Where(a => a.MessageId == m.Id).Select(a => new AttachmentView(a.Id, a.FileName, a.ContentType, a.SizeBytes)).ToList(),
                m.MessageId is not null && deliveries.TryGetValue(m.MessageId, out var delivery) ? delivery : null))
            .ToList();
        return new TicketView(t.Id, t.DisplayNumber, t.TenantId, t.TenantId is null, t.Subject, t.RequesterEmail, t.RequesterName, t.PersonId,
            t.SeatId, t.Category, t.Priority, t.Status, t.AssignedAgent, t.TagList, t.Source, t.SlaState, t.FirstResponseDue, t.FirstResponseAt,
            t.ResolutionDue, t.ResolvedAt, t.ClosedAt, t.EscalatedAt, t.CreatedAt, t.UpdatedAt, views);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AttachmentAsync(
        Guid ticketId, Guid attachmentId, CurrentUser user, ModuleDatabase<SupportModule> db, CancellationToken ct)
    {
        var ticket = await TicketAccess.FindVisibleAsync(db, user, ticketId, ct);
        var file = ticket is null
            ? null
            : await db.QuerySingleOrDefaultAsync<AttachmentFile>(
                """
                SELECT a.file_name AS FileName, a.content_type AS ContentType, a.content AS Content, m.kind AS Kind
                FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id
                WHERE a.id = @attachmentId AND a.ticket_id = @ticketId
                """,
                new { attachmentId, ticketId }, ct);
        if (file is null || (!user.IsStaff && file.Kind == MessageKinds.Note))
        {
            return Problems.NotFound($"No attachment {attachmentId} on ticket {ticketId}.");
        }

        return TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    private sealed class AttachmentFile
    {
        public string FileName { get; set; } = "";
        public string ContentType { get; set; } = "";
        public byte[] Content { get; set; } = [];
        public string Kind { get; set; } = "";
    }
}
