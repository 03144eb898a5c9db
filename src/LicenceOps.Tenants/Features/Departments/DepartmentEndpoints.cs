using System.Data.Common;
using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.ListCache;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using LicenceOps.Tenants.Features.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.Departments;

public sealed record DepartmentView(Guid Id, Guid TenantId, string Name);

public sealed record DepartmentRequest([property: Text(200)] string? Name);

/// <summary>
/// /api/tenants/{tenantId}/departments: list (staff, or users of the tenant), create and rename (staff).
/// Names are unique per tenant regardless of case, since HR files refer to departments by name.
/// </summary>
internal static class DepartmentEndpoints
{
    public const int MaxNameLength = 100;

    public static void MapDepartmentEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapGet("/{tenantId:guid}/departments", ListAsync).WithSummary("A tenant's departments.")
            .CachePerTenant<TenantsModule>(ListScopes.Departments, Access.MayRead);
        group.MapPost("/{tenantId:guid}/departments", CreateAsync).RequireAuthorization(Policies.Staff).WithSummary("Create a department (staff).");
        group.MapPut("/{tenantId:guid}/departments/{departmentId:guid}", RenameAsync).RequireAuthorization(Policies.Staff).WithSummary("Rename a department (staff).");
    }

    private sealed record DepartmentRow(Guid Id, Guid TenantId, string Name, string NameKey);

    private static readonly Keyset<DepartmentRow> ByName = new("departments",
        SortKey.Asc<DepartmentRow>("name_key", r => r.NameKey), SortKey.Asc<DepartmentRow>("id", r => r.Id));

    private static async Task<Results<Ok<Page<DepartmentView>>, ProblemHttpResult>> ListAsync(
        Guid tenantId, PageRequest page, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.Read(user, tenantId) is { } denied)
        {
            return denied;
        }
        if (await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM tenants WHERE id = @tenantId", new { tenantId }, ct) is null)
        {
            return Access.TenantNotFound(tenantId);
        }
        var rows = await ByName.ReadAsync(db, "SELECT id AS Id, tenant_id AS TenantId, name AS Name, name_key AS NameKey FROM departments",
            "tenant_id = @tenantId", new { tenantId }, page, ct);
        return TypedResults.Ok(rows.Map(r => new DepartmentView(r.Id, r.TenantId, r.Name)));
    }

    private static async Task<Results<Created<DepartmentView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid tenantId, DepartmentRequest request, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (ValidateName(request.Name) is { } invalid)
        {
            return invalid;
        }
        var name = request.Name!.Trim();
        try
        {
            return await db.WriteAsync<Results<Created<DepartmentView>, ValidationProblem, ProblemHttpResult>>(async uow =>
            {
                if (await RefuseAsync(uow, tenantId, name, exceptId: null) is { } refusal)
                {
                    return refusal;
                }
                var department = new DepartmentView(RowIds.New(), tenantId, name);
                await InsertAsync(uow, department);
                await uow.AuditAsync("department", department.Id, "created", new { department.Name }, tenantId);
                await uow.PublishAsync(ToEvent(department, uow.Now));
                return TypedResults.Created($"/api/tenants/{tenantId}/departments/{department.Id}", department);
            }, ct);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            return Problems.Conflict($"The tenant already has a department named '{name}'.");
        }
    }

    private static async Task<Results<Ok<DepartmentView>, ValidationProblem, ProblemHttpResult>> RenameAsync(
        Guid tenantId, Guid departmentId, DepartmentRequest request, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (ValidateName(request.Name) is { } invalid)
        {
            return invalid;
        }
        var name = request.Name!.Trim();
        try
        {
            return await db.WriteAsync<Results<Ok<DepartmentView>, ValidationProblem, ProblemHttpResult>>(async uow =>
            {
                var before = await uow.QuerySingleOrDefaultAsync<DepartmentView>(
                    "SELECT id AS Id, tenant_id AS TenantId, name AS Name FROM departments WHERE id = @departmentId AND tenant_id = @tenantId", new { departmentId, tenantId });
                if (before is null)
                {
                    return Problems.NotFound($"No department {departmentId} in tenant {tenantId}.");
                }
                if (await RefuseAsync(uow, tenantId, name, exceptId: departmentId) is { } refusal)
                {
                    return refusal;
                }
                if (before.Name == name)
                {
                    return TypedResults.Ok(before);
                }
                var renamed = await uow.ExecuteAsync(
                    "UPDATE departments SET name = @name, name_key = @nameKey, updated_at = @now WHERE id = @departmentId AND name = @previous",
                    new { name, nameKey = Key(name), now = uow.Now, departmentId, previous = before.Name });
                if (renamed != 1)
                {
                    return Problems.Conflict("The department was renamed meanwhile; reload and retry.");
                }
                await uow.AuditAsync("department", departmentId, "renamed", new ChangeSet().Compare("name", before.Name, name).ToAudit(), tenantId);
                await uow.PublishAsync(ToEvent(before with { Name = name }, uow.Now));
                return TypedResults.Ok(before with { Name = name });
            }, ct);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            return Problems.Conflict($"The tenant already has a department named '{name}'.");
        }
    }

    /// <summary>Stores a new department; the caller publishes <see cref="ToEvent"/> with its audit entry.</summary>
    public static async Task InsertAsync(UnitOfWork uow, DepartmentView department)
    {
        await uow.ExecuteAsync(
            """
            INSERT INTO departments (id, tenant_id, name, name_key, created_at, updated_at)
            VALUES (@Id, @TenantId, @Name, @NameKey, @Now, @Now)
            """,
            new { department.Id, department.TenantId, department.Name, NameKey = Key(department.Name), uow.Now });
    }

    /// <summary>The whole current department, so that Seats' read copy needs no other message.</summary>
    public static DepartmentChanged ToEvent(DepartmentView department, DateTimeOffset now) =>
        new(department.Id, department.TenantId, department.Name, now, "active");

    private static string Key(string name) => name.ToUpperInvariant();

    private static ValidationProblem? ValidateName(string? name)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("name", "The department name is required.");
        }
        else if (name.Trim().Length > MaxNameLength)
        {
            errors.Add("name", $"A department name is at most {MaxNameLength} characters.");
        }
        return errors.Any ? errors.ToProblem() : null;
    }

    private static async Task<ProblemHttpResult?> RefuseAsync(UnitOfWork uow, Guid tenantId, string name, Guid? exceptId)
    {
        var tenant = await TenantRow.FindAsync(uow, tenantId);
        if (tenant is null)
        {
            return Access.TenantNotFound(tenantId);
        }
        if (!TenantStatus.AcceptsChanges(tenant.Status))
        {
            return Problems.Conflict("The tenant is offboarded; its departments no longer change.");
        }
        var clash = await uow.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT id FROM departments WHERE tenant_id = @tenantId AND name_key = @nameKey",
            new { tenantId, nameKey = Key(name) });
        return clash is { } other && other != exceptId
            ? Problems.Conflict($"The tenant already has a department named '{name}'.")
            : null;
    }
}
