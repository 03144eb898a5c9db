using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Platform.Http;

/// <summary>
/// The jobs dashboard is driven by a browser with a cookie, so it gets what cookies need against cross-site use:
/// the cookie is SameSite=Strict and HttpOnly and only the app issues it (to a signed-in staff admin); state-changing
/// requests must come from our own origin (Origin or Referer), and Hangfire checks an antiforgery token on each POST.
/// </summary>
public static class DashboardGuard
{
    public const string Path = "/hangfire";

    public static WebApplication UseDashboardOriginCheck(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Path)
                && !HttpMethods.IsGet(context.Request.Method)
                && !HttpMethods.IsHead(context.Request.Method)
                && !IsSameOrigin(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await TypedResults.Problem(
                        statusCode: StatusCodes.Status403Forbidden,
                        title: "Cross-site request refused",
                        detail: "Dashboard actions are accepted only from the dashboard's own pages.")
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>POST /api/auth/dashboard-session: turns the caller's bearer token into the dashboard cookie.</summary>
    public static void MapDashboardSession(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/auth/dashboard-session", Results<NoContent, ProblemHttpResult> (HttpContext http, TokenSigning signing) =>
            {
                var header = http.Request.Headers.Authorization.ToString();
                if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    return Problems.BadRequest("Sign in with a bearer token first; the dashboard cookie carries that token.");
                }

                http.Response.Cookies.Append(AuthSetup.DashboardCookie, header["Bearer ".Length..].Trim(), new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = http.Request.IsHttps,
                    Path = Path,
                    MaxAge = signing.Lifetime,
                });
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.StaffAdmin)
            .WithTags("Auth")
            .WithSummary("Open the jobs dashboard in this browser: sets a SameSite=Strict cookie for /hangfire.")
            .WithDescription("Staff admins only. Call it with the bearer token from /api/auth/token, then open /hangfire in the same browser.");

    private static bool IsSameOrigin(HttpRequest request)
    {
        var own = $"{request.Scheme}://{request.Host}";
        var origin = request.Headers.Origin.ToString();
        if (!string.IsNullOrEmpty(origin))
        {
            return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase);
        }

        // Browsers send Origin on cross-site POSTs; without it, fall back to the Referer, and refuse when neither says us.
        return Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var referer)
            && string.Equals($"{referer.Scheme}://{referer.Authority}", own, StringComparison.OrdinalIgnoreCase);
    }
}
