using LicenceOps.Platform.Identity;
using LicenceOps.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Portal.Pages;

/// <summary>
/// The password check is the Identity module's own (the one the token endpoint uses); the cookie then carries a
/// token issued the same way, so the portal and API clients are the same user with the same rights.
/// </summary>
[EnableRateLimiting(PortalAuth.SignInRateLimit)]
public sealed class SignInModel : PortalPageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Failed { get; private set; }

    public IActionResult OnGet() => Me.IsSignedIn ? Redirect(Destination()) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password)
            ? null
            : await HttpContext.RequestServices.GetRequiredService<CredentialCheck>().VerifyAsync(Email, Password, ct);
        if (user is null)
        {
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await PortalAuth.SignInAsync(HttpContext, user, HttpContext.RequestServices.GetRequiredService<TokenIssuer>());
        return Redirect(Destination());
    }

    /// <summary>Only back into the portal: an open redirect would let a link send a fresh session anywhere.</summary>
    private string Destination() =>
        ReturnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) && url.StartsWith("/portal", StringComparison.Ordinal) ? url : "/portal";
}
