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

    /// <summary>Browsers cannot send bearer headers to the Hangfire dashboard; they send this cookie instead.</summary>
    public const string DashboardCookie = "licenceops_token";

    public static IServiceCollection AddLicenceOpsAuth(this IServiceCollection services, IConfiguration configuration, DatabaseOptions database)
    {
        var key = SigningKey.Load(configuration, database);
        services.AddSingleton(new TokenSigning(key, TimeSpan.FromMinutes(configuration.GetValue("Auth:TokenLifetimeMinutes", 60))));
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = Issuer,
                    ValidAudience = Audience,
                    IssuerSigningKey = key,
                    NameClaimType = LicenceOpsClaims.Email,
                    RoleClaimType = LicenceOpsClaims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
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
