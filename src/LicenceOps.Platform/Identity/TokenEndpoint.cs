using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
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
        UserStore users,
        IPasswordHasher<UserRecord> hasher,
        TokenIssuer issuer,
        DecoyPassword decoy,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Required("email", request.Email);
        errors.Required("password", request.Password);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await users.FindByEmailAsync(request.Email!, ct);
        // Always pay for one hash verification, even for an unknown or disabled account: the answer time must not
        // tell which e-mails exist.
        var hashed = user?.PasswordHash ?? decoy.Hash;
        var matches = hasher.VerifyHashedPassword(user ?? decoy.User, hashed, request.Password!) != PasswordVerificationResult.Failed;
        var verified = user is { IsActive: true } && matches;
        if (!verified)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Invalid credentials",
                detail: "The e-mail or password is wrong, or the account is disabled.");
        }

        var (token, expiresIn) = issuer.Issue(user!);
        return TypedResults.Ok(new TokenResponse(token, expiresIn, "Bearer"));
    }
}

/// <summary>A hash of a random password made with the real hasher and settings, verified when the e-mail is unknown.</summary>
public sealed class DecoyPassword
{
    public DecoyPassword(IPasswordHasher<UserRecord> hasher)
    {
        User = new UserRecord(Guid.Empty, "decoy@invalid", "decoy", string.Empty, Roles.ClientViewer, null, false,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, string.Empty);
        Hash = hasher.HashPassword(User, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
    }

    public UserRecord User { get; }

    public string Hash { get; }
}
