using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Http;

public static class ProblemSetup
{
    public static IServiceCollection AddLicenceOpsProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Without this, minimal APIs answer a malformed body with an empty 400 and no reason.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseLicenceOpsProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty 401/403/404/405/415 answers from the framework become problem+json too.
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>Malformed bodies, wrong content types and bad route values are the caller's error: 400, not 500.</summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        LogBadRequest(bad.Message);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = "Bad request",
                Detail = bad.InnerException is System.Text.Json.JsonException json
                    ? $"The request body is not valid JSON for this operation: {json.Message}"
                    : bad.Message,
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a bad request: {Reason}")]
    private partial void LogBadRequest(string reason);
}
