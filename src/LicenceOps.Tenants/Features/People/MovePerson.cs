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

/// <summary>Null department: the person belongs to none.</summary>
public sealed record MovePersonRequest(Guid? DepartmentId);

/// <summary>POST /api/tenants/{tenantId}/people/{personId}/move: a mover, effective today; publishes PersonMovedDepartment.</summary>
internal static class MovePerson
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/{tenantId:guid}/people/{personId:guid}/move", HandleAsync).WithSummary("Move a person to another department (mover).");

    private static async Task<Results<Ok<PersonView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid personId, MovePersonRequest request, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.WritePeople(user, tenantId) is { } denied)
        {
            return denied;
        }
        return await db.WriteAsync<Results<Ok<PersonView>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var (before, refusal) = await PeopleRules.WritablePersonAsync(uow, tenantId, personId);
            if (before is null)
            {
                return refusal!;
            }
            var errors = new ValidationErrors();
            await PeopleRules.CheckDepartmentAsync(uow, errors, tenantId, request.DepartmentId);
            if (errors.Any)
            {
                return errors.ToProblem();
            }
            if (PersonStatus.RefuseMove(before.Status) is { } notNow)
            {
                return Problems.Conflict(notNow);
            }
            if (before.DepartmentId == request.DepartmentId)
            {
                return Problems.Conflict("The person is already in that department.");
            }

            var after = before with { DepartmentId = request.DepartmentId, UpdatedAt = uow.Now, Version = before.Version + 1 };
            var moved = await uow.ExecuteAsync(
                "UPDATE people SET department_id = @DepartmentId, updated_at = @UpdatedAt, version = @Version WHERE id = @Id AND status IN @movable AND version = @previous",
                new { after.DepartmentId, after.UpdatedAt, after.Version, after.Id, movable = new[] { PersonStatus.Joining, PersonStatus.Active }, previous = before.Version });
            if (moved == 0)
            {
                return Problems.Conflict("The person's status changed meanwhile; reload and retry.");
            }
            await uow.AuditAsync("person", personId, "moved", new ChangeSet().Compare("departmentId", before.DepartmentId, after.DepartmentId).ToAudit(), tenantId);
            await uow.PublishAsync(after.Moved(before.DepartmentId, ParisCalendar.DateOf(uow.Now), uow.Now));
            return TypedResults.Ok(after.ToView());
        }, ct);
    }
}
