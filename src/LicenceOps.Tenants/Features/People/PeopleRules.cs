using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Tenants.Domain;
using LicenceOps.Tenants.Features.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Tenants.Features.People;

/// <summary>Checks shared by the people commands, run inside their transaction.</summary>
internal static class PeopleRules
{
    public const int MaxNameLength = 100;

    /// <summary>The tenant when people may change in it; otherwise the 404/409 to answer.</summary>
    public static async Task<(TenantRow? Tenant, ProblemHttpResult? Refusal)> WritableTenantAsync(UnitOfWork uow, Guid tenantId)
    {
        var tenant = await TenantRow.FindAsync(uow, tenantId);
        if (tenant is null)
        {
            return (null, Access.TenantNotFound(tenantId));
        }
        return TenantStatus.AcceptsChanges(tenant.Status)
            ? (tenant, null)
            : (null, Problems.Conflict("The tenant is offboarded; its people no longer change."));
    }

    /// <summary>The person to change, when their tenant still accepts changes; otherwise the answer to give.</summary>
    public static async Task<(PersonRow? Person, ProblemHttpResult? Refusal)> WritablePersonAsync(UnitOfWork uow, Guid tenantId, Guid personId)
    {
        var (_, refusal) = await WritableTenantAsync(uow, tenantId);
        if (refusal is not null)
        {
            return (null, refusal);
        }
        var person = await PersonRow.FindAsync(uow, tenantId, personId);
        return person is null ? (null, PeopleEndpoints.PersonNotFound(tenantId, personId)) : (person, null);
    }

    public static void CheckName(ValidationErrors errors, string field, string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"The {label} is required.");
        }
        else if (value.Trim().Length > MaxNameLength)
        {
            errors.Add(field, $"The {label} is at most {MaxNameLength} characters.");
        }
    }

    public static async Task CheckDepartmentAsync(UnitOfWork uow, ValidationErrors errors, Guid tenantId, Guid? departmentId)
    {
        if (departmentId is null)
        {
            return;
        }
        var found = await uow.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM departments WHERE id = @departmentId AND tenant_id = @tenantId", new { departmentId, tenantId });
        if (found == 0)
        {
            errors.Add("departmentId", $"No department {departmentId} in this tenant.");
        }
    }

    public static async Task CheckEmailDomainAsync(UnitOfWork uow, ValidationErrors errors, Guid tenantId, string email, bool external)
    {
        if (external)
        {
            return;
        }
        var domains = await TenantDomains.OfAsync(uow, tenantId);
        if (!EmailAddress.BelongsTo(email, domains))
        {
            errors.Add("email", $"{email} is not in one of the tenant's domains ({string.Join(", ", domains)}); set external to true for someone from outside.");
        }
    }

    /// <summary>The manager must be a current person of the same tenant, and not lead back to the person.</summary>
    public static async Task CheckManagerAsync(UnitOfWork uow, ValidationErrors errors, Guid tenantId, Guid? personId, Guid? managerId)
    {
        if (managerId is null)
        {
            return;
        }
        if (managerId == personId)
        {
            errors.Add("managerId", "A person cannot be their own manager.");
            return;
        }
        var managers = await uow.QueryAsync<ManagerLink>(
            "SELECT id AS Id, manager_id AS ManagerId, status AS Status FROM people WHERE tenant_id = @tenantId", new { tenantId });
        var byId = managers.ToDictionary(m => m.Id);
        if (!byId.TryGetValue(managerId.Value, out var manager) || !PersonStatus.IsPresent(manager.Status))
        {
            errors.Add("managerId", $"No current person {managerId} in this tenant to be the manager.");
            return;
        }
        var seen = new HashSet<Guid>();
        for (Guid? current = managerId; current is { } id && seen.Add(id); current = byId.GetValueOrDefault(id)?.ManagerId)
        {
            if (id == personId)
            {
                errors.Add("managerId", "This manager reports (directly or not) to the person: the reporting line would loop.");
                return;
            }
        }
    }

    private sealed record ManagerLink(Guid Id, Guid? ManagerId, string Status);
}
