using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.Tenants;

/// <summary>
/// POST /api/tenants/{tenantId}/suspend | reactivate | offboard (staff). Offboarding is final and needs every
/// person to have left first, so that their seats are released through the normal leaver flow.
/// </summary>
internal static class ChangeTenantStatus
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/{tenantId:guid}/suspend", (Guid tenantId, ModuleDatabase<TenantsModule> db, CancellationToken ct) =>
                HandleAsync(tenantId, TenantStatus.Suspended, "suspended", db, ct))
            .RequireAuthorization(Policies.Staff).WithSummary("Suspend an active tenant (staff).");
        group.MapPost("/{tenantId:guid}/reactivate", (Guid tenantId, ModuleDatabase<TenantsModule> db, CancellationToken ct) =>
                HandleAsync(tenantId, TenantStatus.Active, "reactivated", db, ct))
            .RequireAuthorization(Policies.Staff).WithSummary("Reactivate a suspended tenant (staff).");
        group.MapPost("/{tenantId:guid}/offboard", (Guid tenantId, ModuleDatabase<TenantsModule> db, CancellationToken ct) =>
                HandleAsync(tenantId, TenantStatus.Offboarded, "offboarded", db, ct))
            .RequireAuthorization(Policies.Staff).WithSummary("Offboard a tenant whose people have all left (staff; final).");
    }

    private static Task<Results<Ok<TenantView>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, string target, string action, ModuleDatabase<TenantsModule> db, CancellationToken ct) =>
        db.WriteAsync<Results<Ok<TenantView>, ProblemHttpResult>>(async uow =>
        {
            var before = await TenantRow.FindAsync(uow, tenantId);
            if (before is null)
            {
                return Access.TenantNotFound(tenantId);
            }
            if (TenantStatus.RefuseTransition(before.Status, target) is { } refusal)
            {
                return Problems.Conflict(refusal);
            }
            if (target == TenantStatus.Offboarded)
            {
                var present = await uow.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM people WHERE tenant_id = @tenantId AND status <> @left",
                    new { tenantId, left = PersonStatus.Left });
                if (present > 0)
                {
                    return Problems.Conflict($"{present} people of this tenant have not left yet; record their leave before offboarding.");
                }
            }

            var after = before with { Status = target, UpdatedAt = uow.Now };
            // Guarded on the status read: two opposite changes at once must not both apply and both publish.
            var changed = await uow.ExecuteAsync(
                "UPDATE tenants SET status = @Status, updated_at = @UpdatedAt WHERE id = @Id AND status = @previous",
                new { after.Status, after.UpdatedAt, after.Id, previous = before.Status });
            if (changed != 1)
            {
                return Problems.Conflict("The tenant's status changed meanwhile; reload and retry.");
            }
            await uow.AuditAsync("tenant", tenantId, action, new ChangeSet().Compare("status", before.Status, target).ToAudit(), tenantId);
            await uow.PublishAsync(after.ToEvent(uow.Now));
            return TypedResults.Ok(TenantView.From(after, await TenantDomains.OfAsync(uow, tenantId)));
        }, ct);
}
