using System.Text.Json;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>Absent fields are left as they are; assignedAgent "" unassigns.</summary>
public sealed record UpdateTicketRequest(
    [property: Text(40), OneOf(TicketStatuses.New, TicketStatuses.Open, TicketStatuses.WaitingOnCustomer, TicketStatuses.Resolved, TicketStatuses.Closed)] string? Status,
    [property: Text(40), OneOf(TicketPriorities.Low, TicketPriorities.Normal, TicketPriorities.High, TicketPriorities.Urgent)] string? Priority,
    [property: Text(40), OneOf(TicketCategories.AccessOrActivation, TicketCategories.SeatRequest, TicketCategories.BillingQuestion, TicketCategories.HowTo, TicketCategories.Other)] string? Category,
    [property: Text(320)] string? AssignedAgent,
    IReadOnlyList<string>? Tags,
    Guid? TenantId,
    Guid? PersonId,
    Guid? SeatId);

/// <summary>PATCH /api/tickets/{id} (staff): triage (set the tenant), assign, prioritise, categorise, tag, change status.</summary>
internal static class UpdateTicket
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPatch("/{ticketId:guid}", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Change status, priority, category, assigned agent, tags, tenant (triage), person or seat (staff).");

    private static async Task<Results<Ok<TicketView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid ticketId, UpdateTicketRequest request, ModuleDatabase<SupportModule> db, TicketWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        TicketInput.OneOf(errors, "status", request.Status, TicketStatuses.All);
        TicketInput.OneOf(errors, "priority", request.Priority, TicketPriorities.All);
        TicketInput.OneOf(errors, "category", request.Category, TicketCategories.All);
        var tags = request.Tags is null ? null : TicketInput.Tags(errors, request.Tags);
        if (request.AssignedAgent is { Length: > 0 } agent && !Platform.Mail.MailQueue.IsAddress(agent))
        {
            errors.Add("assignedAgent", "assignedAgent is the agent's e-mail address (or \"\" to unassign).");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var outcome = await db.WriteAsync<(TicketRow? Row, string? Problem, Dictionary<string, string>? Invalid)>(async uow =>
        {
            var before = await TicketWriter.FindAsync(uow, ticketId);
            if (before is null)
            {
                return (null, null, null);
            }

            if (before.Status == TicketStatuses.Closed)
            {
                return (null, "A closed ticket does not change; the client's next message opens a new one.", null);
            }

            if (request.TenantId is { } tenantId && !await SupportDirectory.TenantExistsAsync(uow, tenantId))
            {
                return (null, $"No tenant {tenantId} is known to Support.", null);
            }

            var after = TicketWriter.Copy(before);
            after.Status = request.Status ?? before.Status;
            after.Priority = request.Priority ?? before.Priority;
            after.Category = request.Category ?? before.Category;
            after.AssignedAgent = request.AssignedAgent is null ? before.AssignedAgent : request.AssignedAgent.Length == 0 ? null : request.AssignedAgent.Trim().ToLowerInvariant();
            after.Tags = tags is null ? before.Tags : JsonSerializer.Serialize(tags);
            after.TenantId = request.TenantId ?? before.TenantId;
            // Moving a ticket to another tenant drops the person and seat of the old one unless new ones are given.
            var movedTenant = after.TenantId != before.TenantId;
            after.PersonId = request.PersonId ?? (movedTenant ? null : before.PersonId);
            after.SeatId = request.SeatId ?? (movedTenant ? null : before.SeatId);
            var links = await SupportDirectory.RefuseLinksAsync(uow, after.TenantId, request.PersonId, request.SeatId);
            if (links.Count > 0)
            {
                return (null, null, links);
            }

            if (!await writer.SaveAsync(uow, before, after))
            {
                return (null, "The ticket changed meanwhile; read it again and retry.", null);
            }

            await uow.AuditAsync("ticket", after.Id, "updated", new
            {
                status = Change(before.Status, after.Status),
                priority = Change(before.Priority, after.Priority),
                category = Change(before.Category, after.Category),
                assignedAgent = Change(before.AssignedAgent, after.AssignedAgent),
                tags = Change(before.Tags, after.Tags),
                tenantId = Change(before.TenantId, after.TenantId),
            }, after.TenantId);
            return (after, null, null);
        }, ct);

        if (outcome.Invalid is { } invalid)
        {
            foreach (var (field, message) in invalid)
            {
                errors.Add(field, message);
            }

            return errors.ToProblem();
        }

        return outcome switch
        {
            { Row: { } row } => TypedResults.Ok(await GetTicket.ViewAsync(db, row, true, ct)),
            { Problem: { } problem } => Problems.Conflict(problem),
            _ => Problems.NotFound($"No ticket {ticketId}."),
        };
    }

    private static object? Change<T>(T before, T after) => Equals(before, after) ? null : new { from = before, to = after };
}
