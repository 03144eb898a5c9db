using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LicenceOps.Platform.Http;

/// <summary>
/// Headers every answer carries: no MIME sniffing, no framing by another site, no referrer leak, a content security
/// policy fitted to each surface (the API answers JSON only; /docs, /hangfire and the portal are pages with their own scripts),
/// and no caching of API answers, which carry people's names and e-mails.
/// </summary>
public static class SecurityHeaders
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>The pages embed their scripts and styles inline; nothing may load from another origin.</summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public static WebApplication UseLicenceOpsSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // Read now: the dashboard middleware moves "/hangfire" into PathBase before the answer starts.
            var path = context.Request.Path;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                var machineFacing = path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/health");
                headers.ContentSecurityPolicy = machineFacing ? ApiPolicy : PagePolicy;
                // Static assets may be cached; everything else may show a person's name, e-mail or invoice.
                if (!path.StartsWithSegments("/docs") && !path.StartsWithSegments("/scalar") && !path.StartsWithSegments("/openapi")
                    && !path.StartsWithSegments("/portal/assets"))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
