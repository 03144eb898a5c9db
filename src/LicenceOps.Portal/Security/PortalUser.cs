using System.Security.Claims;
using LicenceOps.Platform.Security;

namespace LicenceOps.Portal.Security;

/// <summary>The signed-in portal user, read from the cookie's claims: what to show, never what to allow.</summary>
public sealed class PortalUser(ClaimsPrincipal principal)
{
    public bool IsSignedIn => principal.Identity?.IsAuthenticated == true;

    public string Email => principal.FindFirstValue(LicenceOpsClaims.Email) ?? "";

    public string DisplayName => principal.FindFirstValue(LicenceOpsClaims.Name) is { Length: > 0 } name ? name : Email;

    public string Role => principal.FindFirstValue(LicenceOpsClaims.Role) ?? "";

    public Guid? TenantId => Guid.TryParse(principal.FindFirstValue(LicenceOpsClaims.TenantId), out var id) ? id : null;

    public bool IsStaff => Roles.IsStaff(Role);

    public bool IsClientAdmin => Role == Roles.ClientAdmin;

    public bool IsStaffAdmin => Role == Roles.StaffAdmin;

    public bool CanRunInvoices => Role is Roles.StaffAdmin or Roles.StaffBilling;

    /// <summary>Who may ask for a seat for a person: the Seats API accepts client admins and staff.</summary>
    public bool CanRequestSeats => IsStaff || IsClientAdmin;
}
