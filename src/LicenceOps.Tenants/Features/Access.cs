using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Tenants.Features;

/// <summary>
/// Tenant isolation: someone who may not see a tenant gets 404 (its existence is not revealed); someone who
/// may see it but not change it gets 403.
/// </summary>
internal static class Access
{
    public static ProblemHttpResult TenantNotFound(Guid tenantId) => Problems.NotFound($"No tenant {tenantId}.");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    /// <summary>404 when the caller may not see the tenant, else null.</summary>
    public static ProblemHttpResult? Read(CurrentUser user, Guid tenantId) =>
        MayRead(user, tenantId) ? null : TenantNotFound(tenantId);

    /// <summary>The rule of <see cref="Read"/>; the list cache applies it too, before serving a cached page (ADR 0034).</summary>
    public static bool MayRead(CurrentUser user, Guid tenantId) => user.CanAccessTenant(tenantId);

    /// <summary>
    /// People are managed by reseller staff and by the tenant's own client-admins (their HR reports joiners and
    /// leavers); client-viewers only read.
    /// </summary>
    public static ProblemHttpResult? WritePeople(CurrentUser user, Guid tenantId)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return TenantNotFound(tenantId);
        }
        return user.IsStaff || user.IsInRole(Roles.ClientAdmin)
            ? null
            : Forbidden("Only reseller staff and the tenant's administrators change people.");
    }
}
