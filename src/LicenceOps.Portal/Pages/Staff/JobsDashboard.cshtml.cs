using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// The portal's way into the jobs dashboard (/hangfire) for staff admins: a POST with the antiforgery token asks the
/// API for the dashboard cookie (POST /api/auth/dashboard-session with the user's token, where the role is checked),
/// hands that cookie to this browser and opens the dashboard. Only the dashboard cookie is passed on, re-issued for
/// the browser's own connection (Secure when it came over HTTPS), HttpOnly and SameSite=Strict as the API set it.
/// </summary>
public sealed class JobsDashboardModel : PortalPageModel
{
    public IActionResult OnGet() => Redirect("/portal/staff");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!Me.IsStaffAdmin)
        {
            return Forbid();
        }

        foreach (var header in await Api.OpenDashboardSessionAsync(ct))
        {
            if (SetCookieHeaderValue.TryParse(header, out var cookie) && cookie.Name == AuthSetup.DashboardCookie && cookie.Value.HasValue)
            {
                Response.Cookies.Append(AuthSetup.DashboardCookie, cookie.Value.Value!, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
                    Secure = Request.IsHttps,
                    Path = DashboardGuard.Path,
                    MaxAge = cookie.MaxAge,
                });
                return Redirect(DashboardGuard.Path);
            }
        }

        FlashError = T["jobs.nocookie"];
        return Redirect("/portal/staff");
    }
}
