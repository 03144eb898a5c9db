using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Platform.Identity;

public sealed record TokenRequest([property: Text(320)] string? Email, [property: Text(128)] string? Password);

public sealed record TokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType);

internal static class TokenEndpoint
{
    public static void MapTokenEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/auth/token", IssueAsync)
            .AllowAnonymous()
            .RequireRateLimiting(AuthSetup.TokenRateLimitPolicy)
            .WithTags("Auth")
            .WithSummary("Exchange an e-mail and password for a bearer token.");

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> IssueAsync(
        TokenRequest request,
        CredentialCheck credentials,
        TokenIssuer issuer,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Required("email", request.Email);
        errors.Required("password", request.Password);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await credentials.VerifyAsync(request.Email!, request.Password!, ct);
        if (user is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Invalid credentials",
                detail: "The e-mail or password is wrong, or the account is disabled.");
        }

        var (token, expiresIn) = issuer.Issue(user);
        return TypedResults.Ok(new TokenResponse(token, expiresIn, "Bearer"));
    }
}
