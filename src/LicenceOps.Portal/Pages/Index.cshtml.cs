using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages;

/// <summary>Home: staff land on all tenants, a client user on their company's dashboard.</summary>
public sealed class IndexModel : PortalPageModel
{
    public IActionResult OnGet() =>
        Me.IsStaff ? Redirect("/portal/staff")
        : Me.TenantId is { } tenantId ? Redirect($"/portal/t/{tenantId}")
        : ApiFailureFilter.StatusOf(HttpContext, 403, T["status.forbidden.title"], T["status.forbidden.text"]);
}
