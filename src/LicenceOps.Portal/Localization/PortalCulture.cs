using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Filters;
using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;

namespace LicenceOps.Portal.Localization;

/// <summary>
/// English or French: the choice saved by the language switch (a cookie), else the browser's Accept-Language,
/// else English. Amounts are euros in both, formatted the local way (fr-FR "1 234,50 €", en-IE "€1,234.50").
/// </summary>
public static class PortalCulture
{
    public const string CookieName = "licenceops_lang";

    public static IReadOnlyList<string> Languages { get; } = ["en", "fr"];

    public static string Resolve(HttpRequest request)
    {
        if (request.Cookies.TryGetValue(CookieName, out var chosen) && Languages.Contains(chosen))
        {
            return chosen!;
        }

        var accepted = request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is not 0)
            .OrderByDescending(l => l.Quality ?? 1);
        foreach (var language in accepted)
        {
            var code = language.Value.Value?.Split('-')[0].ToLowerInvariant();
            if (code is not null && Languages.Contains(code))
            {
                return code;
            }
        }

        return "en";
    }

    public static CultureInfo Formatting(string language) => CultureInfo.GetCultureInfo(language == "fr" ? "fr-FR" : "en-IE");

    public static CookieOptions CookieOptions(bool secure) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = secure,
        Path = "/portal",
        MaxAge = TimeSpan.FromDays(365),
        IsEssential = true,
    };
}

/// <summary>Sets the request's culture before the page runs and keeps it until the page has rendered.</summary>
public sealed class PortalCultureFilter : IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var culture = PortalCulture.Formatting(PortalCulture.Resolve(context.HttpContext.Request));
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        context.HttpContext.Response.Headers[HeaderNames.ContentLanguage] = culture.TwoLetterISOLanguageName;
        await next();
    }
}
