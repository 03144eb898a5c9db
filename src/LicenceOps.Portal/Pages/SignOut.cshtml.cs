using LicenceOps.Portal.Security;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages;

/// <summary>POST only (with the antiforgery token): a link or an image on another site cannot sign anyone out.</summary>
public sealed class SignOutModel : PortalPageModel
{
    public IActionResult OnGet() => Redirect("/portal");

    public async Task<IActionResult> OnPostAsync()
    {
        await PortalAuth.SignOutAsync(HttpContext);
        return Redirect(PortalAuth.SignInPath);
    }
}
