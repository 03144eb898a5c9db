using LicenceOps.Platform;
using System.Data.Common;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.People;

public sealed record JoinPersonRequest(
    [property: Text(320)] string? Email, [property: Text(100)] string? FirstName, [property: Text(100)] string? LastName, Guid? DepartmentId, Guid? ManagerId, [property: BusinessDate] DateOnly? StartDate, bool? External);

/// <summary>
/// POST /api/tenants/{tenantId}/people: a joiner. Start date today or earlier (Paris): active at once; later:
/// joining until the sweeper activates them. Publishes PersonJoined either way.
/// </summary>
internal static class JoinPerson
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/{tenantId:guid}/people", HandleAsync).WithSummary("Add a person (joiner).");

    private static async Task<Results<Created<PersonView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, JoinPersonRequest request, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.WritePeople(user, tenantId) is { } denied)
        {
            return denied;
        }
        var errors = new ValidationErrors();
        var email = EmailAddress.Normalize(request.Email ?? "");
        if (email.Length == 0)
        {
            errors.Add("email", "The email is required.");
        }
        else if (!EmailAddress.IsValid(email))
        {
            errors.Add("email", $"'{request.Email}' is not a valid email address.");
        }
        PeopleRules.CheckName(errors, "firstName", request.FirstName, "first name");
        PeopleRules.CheckName(errors, "lastName", request.LastName, "last name");
        if (request.StartDate is null)
        {
            errors.Add("startDate", "The start date (YYYY-MM-DD) is required.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var external = request.External ?? false;
        try
        {
            return await db.WriteAsync<Results<Created<PersonView>, ValidationProblem, ProblemHttpResult>>(async uow =>
            {
                var (_, refusal) = await PeopleRules.WritableTenantAsync(uow, tenantId);
                if (refusal is not null)
                {
                    return refusal;
                }
                await PeopleRules.CheckEmailDomainAsync(uow, errors, tenantId, email, external);
                await PeopleRules.CheckDepartmentAsync(uow, errors, tenantId, request.DepartmentId);
                await PeopleRules.CheckManagerAsync(uow, errors, tenantId, null, request.ManagerId);
                if (errors.Any)
                {
                    return errors.ToProblem();
                }
                var existing = await uow.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM people WHERE tenant_id = @tenantId AND email = @email", new { tenantId, email });
                if (existing > 0)
                {
                    return Problems.Conflict($"{email} is already a person of this tenant.");
                }

                var startDate = request.StartDate!.Value;
                var person = new PersonRow(
                    RowIds.New(), tenantId, email, request.FirstName!.Trim(), request.LastName!.Trim(), request.DepartmentId, request.ManagerId,
                    external, PersonStatus.OnJoin(startDate, ParisCalendar.DateOf(uow.Now)), startDate, null, uow.Now, uow.Now);
                await PersonRow.InsertAsync(uow, person);
                await uow.AuditAsync("person", person.Id, "joined", person.ToView(), tenantId);
                await uow.PublishAsync(person.Joined(uow.Now));
                return TypedResults.Created($"/api/tenants/{tenantId}/people/{person.Id}", person.ToView());
            }, ct);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            return Problems.Conflict("This email was just added to the tenant by someone else.");
        }
    }
}
