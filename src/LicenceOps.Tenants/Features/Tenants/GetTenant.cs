using LicenceOps.Platform.Data;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.Tenants;

/// <summary>GET /api/tenants/{tenantId}: staff, or a user of that tenant; anyone else gets 404.</summary>
internal static class GetTenant
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/{tenantId:guid}", HandleAsync).WithSummary("One tenant's profile.");

    private static async Task<Results<Ok<TenantView>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.Read(user, tenantId) is { } denied)
        {
            return denied;
        }
        var view = await LoadAsync(db, tenantId, ct);
        return view is null ? Access.TenantNotFound(tenantId) : TypedResults.Ok(view);
    }

    public static async Task<TenantView?> LoadAsync(ModuleDatabase<TenantsModule> db, Guid tenantId, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<TenantRow>(TenantRow.Select + " WHERE id = @tenantId", new { tenantId }, ct);
        if (row is null)
        {
            return null;
        }
        var domains = await db.QueryAsync<string>("SELECT domain FROM tenant_domains WHERE tenant_id = @tenantId", new { tenantId }, ct);
        return TenantView.From(row, domains);
    }
}
