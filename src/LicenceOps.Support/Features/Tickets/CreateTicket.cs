using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Support.Features.Tickets;

public sealed record CreateTicketRequest(
    [property: Text(200)] string? Subject,
    [property: Text(20000, Multiline = true)] string? Body,
    [property: Text(40), OneOf(TicketCategories.AccessOrActivation, TicketCategories.SeatRequest, TicketCategories.BillingQuestion, TicketCategories.HowTo, TicketCategories.Other)] string? Category,
    [property: Text(40), OneOf(TicketPriorities.Low, TicketPriorities.Normal, TicketPriorities.High, TicketPriorities.Urgent)] string? Priority,
    Guid? TenantId,
    [property: Text(320)] string? RequesterEmail,
    [property: Text(200)] string? RequesterName,
    Guid? PersonId,
    Guid? SeatId,
    IReadOnlyList<string>? Tags);

/// <summary>
/// POST /api/tickets: a client user opens a ticket for its own tenant (as requester); staff open one on a client's
/// behalf (phone call) for any known tenant, or for nobody yet (triage).
/// </summary>
internal static class CreateTicket
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/", HandleAsync).WithSummary("Open a ticket (client users: for their own tenant; staff: for any tenant).");

    private static async Task<Results<Created<TicketView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        CreateTicketRequest request, CurrentUser user, ModuleDatabase<SupportModule> db, TicketWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        TicketInput.Subject(errors, request.Subject);
        TicketInput.Body(errors, request.Body);
        TicketInput.OneOf(errors, "category", request.Category, TicketCategories.All);
        TicketInput.OneOf(errors, "priority", request.Priority, TicketPriorities.All);
        var tags = TicketInput.Tags(errors, request.Tags);
        if (user.IsStaff)
        {
            TicketInput.Email(errors, "requesterEmail", request.RequesterEmail);
        }
        else if (request.TenantId is { } asked && asked != user.TenantId)
        {
            errors.Add("tenantId", "A client user opens tickets for its own company only.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var tenantId = user.IsStaff ? request.TenantId : user.TenantId;
        var requester = user.IsStaff ? request.RequesterEmail!.Trim() : user.Email;
        var (created, invalid) = await db.WriteAsync<(TicketRow? Row, Dictionary<string, string>? Invalid)>(async uow =>
        {
            if (tenantId is { } id && !await SupportDirectory.TenantExistsAsync(uow, id))
            {
                return (null, null);
            }

            // A person or seat named in the body must be of the ticket's tenant: another tenant's id is refused like an unknown one.
            var links = await SupportDirectory.RefuseLinksAsync(uow, tenantId, request.PersonId, request.SeatId);
            if (links.Count > 0)
            {
                return (null, links);
            }

            var ticket = await writer.OpenAsync(uow, new NewTicket(tenantId, request.Subject!.Trim(), requester,
                user.IsStaff ? request.RequesterName : null, request.PersonId, request.SeatId,
                request.Category ?? TicketCategories.Other, request.Priority ?? TicketPriorities.Normal, TicketSources.Api,
                await SupportDirectory.LanguageOfTenantAsync(uow, tenantId), tags, null));
            await writer.AddMessageAsync(uow, ticket,
                new NewMessage(MessageKinds.Inbound, user.Actor.Display, user.Email, request.Body!, null, null, false, []));
            return (ticket, null);
        }, ct);
        if (invalid is not null)
        {
            foreach (var (field, message) in invalid)
            {
                errors.Add(field, message);
            }

            return errors.ToProblem();
        }

        if (created is null)
        {
            return Problems.NotFound($"No tenant {tenantId}.");
        }

        return TypedResults.Created($"/api/tickets/{created.Id}", await GetTicket.ViewAsync(db, created, user.IsStaff, ct));
    }
}
