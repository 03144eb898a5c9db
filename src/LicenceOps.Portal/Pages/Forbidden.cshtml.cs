namespace LicenceOps.Portal.Pages;

/// <summary>Where the cookie scheme sends a signed-in user who lacks the role for a page (a client on a staff page).</summary>
public sealed class ForbiddenModel : PortalPageModel
{
    public void OnGet()
    {
    }
}
