using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.People;

public sealed record LeavePersonRequest(DateOnly? EndDate);

/// <summary>
/// POST /api/tenants/{tenantId}/people/{personId}/leave: a leaver. Publishes PersonLeaving; when the end date is
/// today or past (Paris), the person has left at once and PersonLeft follows in the same transaction.
/// </summary>
internal static class LeavePerson
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/{tenantId:guid}/people/{personId:guid}/leave", HandleAsync).WithSummary("Record a leave (leaver) with its end date.");

    private static async Task<Results<Ok<PersonView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid personId, LeavePersonRequest request, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.WritePeople(user, tenantId) is { } denied)
        {
            return denied;
        }
        var errors = new ValidationErrors();
        if (request.EndDate is null)
        {
            errors.Add("endDate", "The end date (YYYY-MM-DD, the last day) is required.");
            return errors.ToProblem();
        }
        var endDate = request.EndDate.Value;

        return await db.WriteAsync<Results<Ok<PersonView>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var (before, refusal) = await PeopleRules.WritablePersonAsync(uow, tenantId, personId);
            if (before is null)
            {
                return refusal!;
            }
            if (before.Status is PersonStatus.Leaving or PersonStatus.Left)
            {
                return Problems.Conflict(PersonStatus.RefuseLeave(before.Status, before.StartDate, endDate)!);
            }
            if (PersonStatus.RefuseLeave(before.Status, before.StartDate, endDate) is { } invalid)
            {
                errors.Add("endDate", invalid);
                return errors.ToProblem();
            }

            var status = PersonStatus.OnLeave(endDate, ParisCalendar.DateOf(uow.Now));
            var after = before with { Status = status, EndDate = endDate, UpdatedAt = uow.Now, Version = before.Version + 1 };
            var updated = await uow.ExecuteAsync(
                "UPDATE people SET status = @Status, end_date = @EndDate, updated_at = @UpdatedAt, version = @Version WHERE id = @Id AND status = @previous AND version = @previousVersion",
                new { after.Status, after.EndDate, after.UpdatedAt, after.Version, after.Id, previous = before.Status, previousVersion = before.Version });
            if (updated == 0)
            {
                return Problems.Conflict("The person's status changed meanwhile; reload and retry.");
            }
            var changes = new ChangeSet().Compare("status", before.Status, status).Compare("endDate", before.EndDate, after.EndDate);
            await uow.AuditAsync("person", personId, status == PersonStatus.Left ? "left" : "leaving", changes.ToAudit(), tenantId);
            await uow.PublishAsync(after.Leaving(uow.Now));
            if (status == PersonStatus.Left)
            {
                await uow.PublishAsync(after.Left(uow.Now));
            }
            return TypedResults.Ok(after.ToView());
        }, ct);
    }
}
