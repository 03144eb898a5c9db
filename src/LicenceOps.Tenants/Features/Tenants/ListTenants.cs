using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.Tenants;

/// <summary>GET /api/tenants[?status=]: every tenant for staff; a client sees only its own.</summary>
internal static class ListTenants
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/", HandleAsync).WithSummary("List tenants (staff: all; clients: their own).");

    private static async Task<Results<Ok<IReadOnlyList<TenantView>>, ValidationProblem>> HandleAsync(
        string? status, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (status is not null && !TenantStatus.All.Contains(status))
        {
            var errors = new ValidationErrors();
            errors.Add("status", $"status is one of {string.Join(", ", TenantStatus.All)}.");
            return errors.ToProblem();
        }

        Guid? onlyTenant = user.IsStaff ? null : user.TenantId ?? Guid.Empty;
        var rows = await db.QueryAsync<TenantRow>(
            TenantRow.Select + """
             WHERE (@status IS NULL OR status = @status) AND (@onlyTenant IS NULL OR id = @onlyTenant)
             ORDER BY legal_name
            """,
            new { status, onlyTenant },
            ct);
        var domains = await TenantDomains.OfAllAsync(db, ct);
        return TypedResults.Ok<IReadOnlyList<TenantView>>(rows.Select(r => TenantView.From(r, domains[r.Id])).ToList());
    }
}
