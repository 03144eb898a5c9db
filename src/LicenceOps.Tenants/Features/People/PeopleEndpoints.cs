using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.ListCache;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.People;

/// <summary>/api/tenants/{tenantId}/people: reading, and the joiner, mover, leaver and edit commands.</summary>
internal static class PeopleEndpoints
{
    public static void MapPeopleEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapGet("/{tenantId:guid}/people", ListAsync).WithSummary("A tenant's people, optionally by status or department.")
            .CachePerTenant<TenantsModule>(ListScopes.People, Access.MayRead);
        group.MapGet("/{tenantId:guid}/people/{personId:guid}", GetAsync).WithSummary("One person.");
        JoinPerson.Map(group);
        UpdatePerson.Map(group);
        MovePerson.Map(group);
        LeavePerson.Map(group);
    }

    /// <summary>By name; e-mail (unique in a tenant) and id make the order total, as keyset paging needs.</summary>
    internal static readonly Keyset<PersonRow> ByName = new("people",
        SortKey.Asc<PersonRow>("last_name", r => r.LastName), SortKey.Asc<PersonRow>("first_name", r => r.FirstName),
        SortKey.Asc<PersonRow>("email", r => r.Email), SortKey.Asc<PersonRow>("id", r => r.Id));

    private static async Task<Results<Ok<Page<PersonView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid tenantId, string? status, Guid? departmentId, PageRequest page, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.Read(user, tenantId) is { } denied)
        {
            return denied;
        }
        if (status is not null && !PersonStatus.All.Contains(status))
        {
            var errors = new ValidationErrors();
            errors.Add("status", $"status is one of {string.Join(", ", PersonStatus.All)}.");
            return errors.ToProblem();
        }
        // Only the filters asked for go into the SQL: "@status IS NULL OR status = @status" would make SQLite read
        // every person's row to count the tenant's list, where "tenant_id = @tenantId" alone counts index entries.
        var where = "tenant_id = @tenantId" + (status is null ? "" : " AND status = @status")
            + (departmentId is null ? "" : " AND department_id = @departmentId");
        var rows = await ByName.ReadAsync(db, PersonRow.Select, where, new { tenantId, status, departmentId }, page, ct);
        // A person belongs to an existing tenant (foreign key), so only an empty page needs to ask whether the tenant exists.
        if (rows.Items.Count == 0
            && await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM tenants WHERE id = @tenantId", new { tenantId }, ct) is null)
        {
            return Access.TenantNotFound(tenantId);
        }
        return TypedResults.Ok(rows.Map(r => r.ToView()));
    }

    private static async Task<Results<Ok<PersonView>, ProblemHttpResult>> GetAsync(
        Guid tenantId, Guid personId, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.Read(user, tenantId) is { } denied)
        {
            return denied;
        }
        var row = await db.QuerySingleOrDefaultAsync<PersonRow>(
            PersonRow.Select + " WHERE id = @personId AND tenant_id = @tenantId", new { personId, tenantId }, ct);
        return row is null ? PersonNotFound(tenantId, personId) : TypedResults.Ok(row.ToView());
    }

    public static ProblemHttpResult PersonNotFound(Guid tenantId, Guid personId) =>
        Problems.NotFound($"No person {personId} in tenant {tenantId}.");
}
