using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Platform.Http;

/// <summary>
/// Requests that match no endpoint would otherwise meet the authentication fallback policy and answer 401, as if the
/// path existed and only a token were missing. Runs after routing and before authentication.
/// </summary>
public static class UnmatchedRequests
{
    public static WebApplication UseUnmatchedRequestAnswers(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var endpoint = context.GetEndpoint();
            if (endpoint is null)
            {
                await Problems.NotFound("There is no such resource.").ExecuteAsync(context);
                return;
            }

            // Routing's own rejection endpoints (405 wrong method, 415 wrong content type) carry no metadata at all;
            // they answer for themselves, without asking who the caller is.
            if (endpoint is not RouteEndpoint && endpoint.Metadata.Count == 0 && endpoint.RequestDelegate is { } reject)
            {
                await reject(context);
                return;
            }

            await next(context);
        });
        return app;
    }
}
