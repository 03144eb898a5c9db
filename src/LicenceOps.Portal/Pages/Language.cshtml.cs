using LicenceOps.Portal.Localization;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages;

/// <summary>The language switch: remembers the choice in a cookie that wins over the browser's Accept-Language.</summary>
public sealed class LanguageModel : PortalPageModel
{
    public IActionResult OnGet() => Redirect("/portal");

    public IActionResult OnPost(string? language, string? returnUrl)
    {
        if (language is not null && PortalCulture.Languages.Contains(language))
        {
            Response.Cookies.Append(PortalCulture.CookieName, language, PortalCulture.CookieOptions(Request.IsHttps));
        }

        return Redirect(returnUrl is { Length: > 0 } && Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith("/portal", StringComparison.Ordinal)
            ? returnUrl
            : "/portal");
    }
}
