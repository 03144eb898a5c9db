using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Mail;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>
/// POST /api/tickets/{ticketId}/mail/{mailId}/resend (staff): an agent reply, acknowledgement or escalation that failed
/// goes back in the queue. The mail id is the <c>delivery.id</c> shown on the ticket's message. 409 unless it failed.
/// </summary>
internal static class ResendTicketMail
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/{ticketId:guid}/mail/{mailId:guid}/resend", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Queue a failed e-mail of this ticket again (staff); 409 unless it failed.");

    private static async Task<Results<Ok<MailDeliveryView>, ProblemHttpResult>> HandleAsync(
        Guid ticketId, Guid mailId, CurrentUser user, ModuleDatabase<SupportModule> db, CancellationToken ct)
    {
        var ticket = await TicketAccess.FindVisibleAsync(db, user, ticketId, ct);
        if (ticket is null)
        {
            return Problems.NotFound($"No ticket {ticketId}.");
        }

        var outcome = await db.WriteAsync(uow => MailLog.RequeueFailedAsync(uow, TicketMail.SubjectType, ticketId, mailId, ticket.TenantId), ct);
        return outcome switch
        {
            MailResendOutcome.Requeued requeued => TypedResults.Ok(requeued.Mail),
            MailResendOutcome.NotFailed notFailed => Problems.Conflict($"Mail {mailId} is {notFailed.Status}, not failed: there is nothing to resend."),
            _ => Problems.NotFound($"No mail {mailId} on ticket {ticketId}."),
        };
    }
}
