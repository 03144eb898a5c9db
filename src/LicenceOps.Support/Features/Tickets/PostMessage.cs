using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Support.Features.Tickets;

public sealed record PostMessageRequest([property: Text(20000, Multiline = true)] string? Body, [property: Text(40), OneOf(TicketStatuses.Open, TicketStatuses.WaitingOnCustomer, TicketStatuses.Resolved)] string? Status);

public sealed record NoteRequest([property: Text(20000, Multiline = true)] string? Body);

/// <summary>
/// POST /api/tickets/{id}/messages: an agent's reply goes out by e-mail to the requester (threaded, status
/// waiting on customer unless told otherwise, first response recorded); a client user's message reopens the
/// conversation on the hotline's side. POST /api/tickets/{id}/notes: internal notes clients never see.
/// </summary>
internal static class PostMessage
{
    private static readonly string[] ReplyStatuses = [TicketStatuses.Open, TicketStatuses.WaitingOnCustomer, TicketStatuses.Resolved];

    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/{ticketId:guid}/messages", HandleAsync)
            .WithSummary("Reply: staff replies are e-mailed to the requester with threading headers; client users add to their own tickets.");
        group.MapPost("/{ticketId:guid}/notes", NoteAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Internal note (staff only, never shown to clients or mailed).");
    }

    private static async Task<Results<Created<TicketView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid ticketId, PostMessageRequest request, CurrentUser user, ModuleDatabase<SupportModule> db, TicketWriter writer, TicketMail mail,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        TicketInput.Body(errors, request.Body);
        if (request.Status is not null && (!user.IsStaff || !ReplyStatuses.Contains(request.Status)))
        {
            errors.Add("status", user.IsStaff
                ? $"status after a reply is one of: {string.Join(", ", ReplyStatuses)}."
                : "Client users cannot set the status.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        (TicketRow? Row, string? Problem) outcome;
        try
        {
            outcome = await ReplyAsync(ticketId, request, user, db, writer, mail, ct);
        }
        catch (ConcurrentTicketChangeException e)
        {
            return Problems.Conflict(e.Message);
        }

        return outcome switch
        {
            { Row: { } row } => TypedResults.Created($"/api/tickets/{row.Id}", await GetTicket.ViewAsync(db, row, user.IsStaff, ct)),
            { Problem: { } problem } => Problems.Conflict(problem),
            _ => Problems.NotFound($"No ticket {ticketId}."),
        };
    }

    private static Task<(TicketRow? Row, string? Problem)> ReplyAsync(
        Guid ticketId, PostMessageRequest request, CurrentUser user, ModuleDatabase<SupportModule> db, TicketWriter writer, TicketMail mail,
        CancellationToken ct) =>
        db.WriteAsync<(TicketRow? Row, string? Problem)>(async uow =>
        {
            var before = await TicketAccess.FindVisibleAsync(uow, user, ticketId);
            if (before is null)
            {
                return (null, null);
            }

            if (before.Status == TicketStatuses.Closed)
            {
                return (null, "This ticket is closed; open a new one.");
            }

            var after = TicketWriter.Copy(before);
            if (user.IsStaff)
            {
                var reply = await writer.AddMessageAsync(uow, before,
                    new NewMessage(MessageKinds.Outbound, user.Actor.Display, mail.Mailbox, request.Body!, null, null, false, []));
                await mail.ReplyAsync(uow, before, reply);
                after.Status = request.Status ?? TicketStatuses.WaitingOnCustomer;
                after.FirstResponseAt ??= uow.Now;
                after.AssignedAgent ??= user.Email.ToLowerInvariant();
            }
            else
            {
                await writer.AddMessageAsync(uow, before,
                    new NewMessage(MessageKinds.Inbound, user.Actor.Display, user.Email, request.Body!, null, null, false, []));
                after.Status = TicketWriter.StatusAfterClientMessage(before.Status);
            }

            if (!await writer.SaveAsync(uow, before, after))
            {
                // Rolls back the message too: the caller retries against the ticket as it now is.
                throw new ConcurrentTicketChangeException();
            }

            await uow.AuditAsync("ticket", before.Id, user.IsStaff ? "replied" : "client-message", new { status = after.Status }, before.TenantId);
            return (after, null);
        }, ct);

    private static async Task<Results<Created<TicketView>, ValidationProblem, ProblemHttpResult>> NoteAsync(
        Guid ticketId, NoteRequest request, CurrentUser user, ModuleDatabase<SupportModule> db, TicketWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        TicketInput.Body(errors, request.Body);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var ticket = await db.WriteAsync<TicketRow?>(async uow =>
        {
            var found = await TicketWriter.FindAsync(uow, ticketId);
            if (found is not null)
            {
                await writer.AddMessageAsync(uow, found, new NewMessage(MessageKinds.Note, user.Actor.Display, null, request.Body!, null, null, false, []));
                await uow.AuditAsync("ticket", found.Id, "noted", null, found.TenantId);
            }

            return found;
        }, ct);
        return ticket is null
            ? Problems.NotFound($"No ticket {ticketId}.")
            : TypedResults.Created($"/api/tickets/{ticket.Id}", await GetTicket.ViewAsync(db, ticket, true, ct));
    }
}

/// <summary>Another request changed the ticket between our read and our write: the transaction rolls back and the caller gets 409.</summary>
public sealed class ConcurrentTicketChangeException() : Exception("The ticket changed meanwhile; read it again and retry.");
