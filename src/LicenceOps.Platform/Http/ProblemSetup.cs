using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
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

/// <summary>
/// Malformed bodies, wrong content types and bad route values are the caller's error: 4xx, not 500. The answer names the
/// JSON field or parameter at fault in the caller's terms, never a .NET type or method.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        LogBadRequest(bad.Message);
        var (title, detail, field) = Describe(bad);
        httpContext.Response.StatusCode = bad.StatusCode;
        var problem = new ProblemDetails { Status = bad.StatusCode, Title = title, Detail = detail };
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    internal static (string Title, string Detail, string? Field) Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return ("Unsupported media type", "The request body must be JSON, sent with Content-Type: application/json.", null);
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("Request too large", "The request body is larger than this operation accepts.", null);
        }

        if (bad.InnerException is JsonException json)
        {
            var field = FieldName(json.Path);
            return field is null
                ? ("Invalid request", "The request body is not valid JSON for this operation.", null)
                : ("Invalid request", $"{field} has a value of the wrong type or form.", field);
        }

        if (ParameterName().Match(bad.Message) is { Success: true } parameter)
        {
            var name = parameter.Groups["name"].Value;
            return bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                ? ("Invalid request", "The request body is missing or is not valid JSON for this operation.", null)
                : ("Invalid request", $"{name} has a value of the wrong form.", name);
        }

        return ("Bad request", "The request is malformed.", null);
    }

    /// <summary>"$.lines[2].quantity" → "lines[2].quantity"; "$" (the whole body) → null.</summary>
    private static string? FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    /// <summary>Framework messages quote the parameter as "Type name"; only the name is the caller's vocabulary.</summary>
    [GeneratedRegex("parameter \"(?:[^\"]*\\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex ParameterName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a bad request: {Reason}")]
    private partial void LogBadRequest(string reason);
}
