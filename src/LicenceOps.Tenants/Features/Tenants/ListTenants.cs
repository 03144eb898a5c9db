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

namespace LicenceOps.Tenants.Features.Tenants;

/// <summary>GET /api/tenants[?status=]: every tenant for staff; a client sees only its own.</summary>
internal static class ListTenants
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/", HandleAsync).WithSummary("List tenants (staff: all; clients: their own).")
            // Across tenants: one version for all; a client's entries are his own (the key holds the caller).
            .CacheAcrossTenants<TenantsModule>(ListScopes.Tenants);

    private static readonly Keyset<TenantRow> ByName = new("tenants",
        SortKey.Asc<TenantRow>("legal_name", r => r.LegalName), SortKey.Asc<TenantRow>("id", r => r.Id));

    private static async Task<Results<Ok<Page<TenantView>>, ValidationProblem>> HandleAsync(
        string? status, PageRequest page, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (status is not null && !TenantStatus.All.Contains(status))
        {
            var errors = new ValidationErrors();
            errors.Add("status", $"status is one of {string.Join(", ", TenantStatus.All)}.");
            return errors.ToProblem();
        }

        Guid? onlyTenant = user.IsStaff ? null : user.TenantId ?? Guid.Empty;
        var rows = await ByName.ReadAsync(db, TenantRow.Select,
            "(@status IS NULL OR status = @status) AND (@onlyTenant IS NULL OR id = @onlyTenant)", new { status, onlyTenant }, page, ct);
        var domains = await TenantDomains.OfAsync(db, rows.Items.Select(r => r.Id).ToList(), ct);
        return TypedResults.Ok(rows.Map(r => TenantView.From(r, domains[r.Id])));
    }
}
