using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.People;

public sealed record UpdatePersonRequest([property: Text(100)] string? FirstName, [property: Text(100)] string? LastName, Guid? ManagerId, bool? External);

/// <summary>
/// PUT /api/tenants/{tenantId}/people/{personId}: name, manager (null: none) and external flag. Department and
/// status change only through move and leave. A new name is published (PersonRenamed): Seats invites and lists by it.
/// </summary>
internal static class UpdatePerson
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/{tenantId:guid}/people/{personId:guid}", HandleAsync).WithSummary("Edit a person's name, manager or external flag.");

    private static async Task<Results<Ok<PersonView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid personId, UpdatePersonRequest request, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.WritePeople(user, tenantId) is { } denied)
        {
            return denied;
        }
        var errors = new ValidationErrors();
        PeopleRules.CheckName(errors, "firstName", request.FirstName, "first name");
        PeopleRules.CheckName(errors, "lastName", request.LastName, "last name");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return await db.WriteAsync<Results<Ok<PersonView>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var (before, refusal) = await PeopleRules.WritablePersonAsync(uow, tenantId, personId);
            if (before is null)
            {
                return refusal!;
            }
            if (before.Status == PersonStatus.Left)
            {
                return Problems.Conflict("This person has left; their record no longer changes.");
            }
            var after = before with
            {
                FirstName = request.FirstName!.Trim(),
                LastName = request.LastName!.Trim(),
                ManagerId = request.ManagerId,
                IsExternal = request.External ?? before.IsExternal,
                UpdatedAt = uow.Now,
                Version = before.Version + 1,
            };
            if (after.ManagerId != before.ManagerId)
            {
                await PeopleRules.CheckManagerAsync(uow, errors, tenantId, personId, after.ManagerId);
            }
            if (before.IsExternal && !after.IsExternal)
            {
                await PeopleRules.CheckEmailDomainAsync(uow, errors, tenantId, before.Email, external: false);
            }
            if (errors.Any)
            {
                return errors.ToProblem();
            }

            var changes = new ChangeSet()
                .Compare("firstName", before.FirstName, after.FirstName)
                .Compare("lastName", before.LastName, after.LastName)
                .Compare("managerId", before.ManagerId, after.ManagerId)
                .Compare("external", before.IsExternal, after.IsExternal);
            if (!changes.Any)
            {
                return TypedResults.Ok(before.ToView());
            }
            // Guarded on the version and time of the row read, so a concurrent edit is a 409 rather than overwritten.
            var updated = await uow.ExecuteAsync(
                """
                UPDATE people SET first_name = @FirstName, last_name = @LastName, manager_id = @ManagerId,
                    is_external = @IsExternal, updated_at = @UpdatedAt, version = @Version
                WHERE id = @Id AND version = @previousVersion AND updated_at = @previousUpdatedAt
                """,
                new
                {
                    after.FirstName, after.LastName, after.ManagerId, after.IsExternal, after.UpdatedAt, after.Version, after.Id,
                    previousVersion = before.Version, previousUpdatedAt = before.UpdatedAt,
                });
            if (updated != 1)
            {
                return Problems.Conflict("The person changed meanwhile; reload and retry.");
            }
            await uow.AuditAsync("person", personId, "updated", changes.ToAudit(), tenantId);
            if (after.DisplayName != before.DisplayName)
            {
                await uow.PublishAsync(after.Renamed(uow.Now));
            }
            return TypedResults.Ok(after.ToView());
        }, ct);
    }
}
