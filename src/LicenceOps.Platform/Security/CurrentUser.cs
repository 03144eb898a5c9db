using System.Security.Claims;
using LicenceOps.Platform.Data;
using Microsoft.AspNetCore.Http;

namespace LicenceOps.Platform.Security;

/// <summary>The authenticated caller of the current request.</summary>
public sealed class CurrentUser(IHttpContextAccessor accessor)
{
    private ClaimsPrincipal Principal => accessor.HttpContext?.User ?? new ClaimsPrincipal();

    public bool IsAuthenticated => Principal.Identity?.IsAuthenticated == true;

    public Guid UserId => Guid.TryParse(Principal.FindFirstValue(LicenceOpsClaims.Subject), out var id) ? id : Guid.Empty;

    public string Email => Principal.FindFirstValue(LicenceOpsClaims.Email) ?? string.Empty;

    public Guid? TenantId => Guid.TryParse(Principal.FindFirstValue(LicenceOpsClaims.TenantId), out var id) ? id : null;

    public bool IsStaff => Roles.Staff.Any(IsInRole);

    public bool IsInRole(string role) => Principal.HasClaim(LicenceOpsClaims.Role, role);

    /// <summary>Staff may act on any tenant; a client only on its own. Callers answer 404 when false.</summary>
    public bool CanAccessTenant(Guid tenantId) => IsStaff || (TenantId is { } own && own == tenantId);

    public Actor Actor => IsAuthenticated ? new Actor($"user:{UserId}", Email) : Actor.Anonymous;
}
