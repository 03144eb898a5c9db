using System.Threading.RateLimiting;
using LicenceOps.Platform.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace LicenceOps.Platform.Security;

public static class AuthSetup
{
    public const string Issuer = "licenceops";
    public const string Audience = "licenceops-api";
    public const string TokenRateLimitPolicy = "token";

    /// <summary>
    /// Browsers cannot send bearer headers to the Hangfire dashboard; they send this cookie instead. Only the app sets
    /// it (POST /api/auth/dashboard-session, after a real sign-in), HttpOnly and SameSite=Strict, scoped to /hangfire.
    /// </summary>
    public const string DashboardCookie = "licenceops_dashboard";

    /// <summary>The only algorithm tokens are signed and accepted with: no "none", no algorithm confusion.</summary>
    public const string SigningAlgorithm = SecurityAlgorithms.HmacSha256;

    /// <summary>No configuration can issue or accept tokens that live longer than this.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(8);

    public static IServiceCollection AddLicenceOpsAuth(this IServiceCollection services, IConfiguration configuration, DatabaseOptions database)
    {
        var key = SigningKey.Load(configuration, database);
        var lifetime = TimeSpan.FromMinutes(configuration.GetValue("Auth:TokenLifetimeMinutes", 60));
        if (lifetime <= TimeSpan.Zero || lifetime > MaxTokenLifetime)
        {
            throw new InvalidOperationException($"Auth:TokenLifetimeMinutes must be between 1 and {MaxTokenLifetime.TotalMinutes}.");
        }

        var stampCache = TimeSpan.FromSeconds(configuration.GetValue("Auth:SecurityStampCacheSeconds", SecurityStamps.MaxCacheDuration.TotalSeconds));
        if (stampCache < TimeSpan.Zero || stampCache > SecurityStamps.MaxCacheDuration)
        {
            throw new InvalidOperationException($"Auth:SecurityStampCacheSeconds must be between 0 and {SecurityStamps.MaxCacheDuration.TotalSeconds}.");
        }

        services.AddSingleton(new TokenSigning(key, lifetime));
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddMemoryCache();
        services.AddSingleton(sp => new SecurityStamps(
            database,
            sp.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>(),
            stampCache,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SecurityStamps>>()));
        // Hangfire's dashboard validates an antiforgery token on every POST once this service exists.
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
        });

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                // Validates each distinct token once and remembers it until it expires; the account check below still
                // runs on every request (ADR 0029).
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new ValidatedTokenCache(TimeProvider.System));
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = Issuer,
                    ValidAudience = Audience,
                    IssuerSigningKey = key,
                    NameClaimType = LicenceOpsClaims.Email,
                    RoleClaimType = LicenceOpsClaims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    ValidAlgorithms = [SigningAlgorithm],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    // A token claiming a longer life than we issue was not issued by us (or by a misconfigured host).
                    LifetimeValidator = (notBefore, expires, _, parameters) =>
                        notBefore is { } from && expires is { } until
                        && until - from <= lifetime + parameters.ClockSkew
                        && DateTime.UtcNow < until + parameters.ClockSkew
                        && DateTime.UtcNow >= from - parameters.ClockSkew,
                };
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        if (string.IsNullOrEmpty(context.Token)
                            && context.Request.Path.StartsWithSegments("/hangfire")
                            && context.Request.Cookies.TryGetValue(DashboardCookie, out var cookie))
                        {
                            context.Token = cookie;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = async context =>
                    {
                        var principal = context.Principal!;
                        var stamps = context.HttpContext.RequestServices.GetRequiredService<SecurityStamps>();
                        if (!Guid.TryParse(principal.FindFirst(LicenceOpsClaims.Subject)?.Value, out var userId)
                            || !await stamps.IsCurrentAsync(userId, principal.FindFirst(LicenceOpsClaims.SecurityStamp)?.Value, context.HttpContext.RequestAborted))
                        {
                            context.Fail("The token was issued before the account's access changed; sign in again.");
                        }
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Staff, policy => policy.RequireClaim(LicenceOpsClaims.Role, Roles.Staff))
            .AddPolicy(Policies.StaffAdmin, policy => policy.RequireClaim(LicenceOpsClaims.Role, Roles.StaffAdmin))
            .AddPolicy(Policies.Billing, policy => policy.RequireClaim(LicenceOpsClaims.Role, Roles.StaffAdmin, Roles.StaffBilling));

        var permits = configuration.GetValue("Auth:TokenRequestsPerMinute", 10);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await Results.Problem(
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Too many sign-in attempts",
                        detail: "Wait a minute before trying again.")
                    .ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy(TokenRateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

        return services;
    }
}

public sealed record TokenSigning(SymmetricSecurityKey Key, TimeSpan Lifetime);
