using System.Security.Claims;
using System.Threading.RateLimiting;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LicenceOps.Portal.Security;

/// <summary>
/// Cookie sign-in for browsers on the same users and roles as the API. The cookie carries the user's claims and
/// the bearer token the portal presents to the API on the user's behalf; it is encrypted by ASP.NET Core data
/// protection, HttpOnly, SameSite=Strict and Secure outside development.
/// </summary>
public static class PortalAuth
{
    public const string Scheme = "portal";
    public const string CookieName = "licenceops_portal";
    public const string AccessTokenName = "access_token";
    public const string UserPolicy = "portal-user";
    public const string StaffPolicy = "portal-staff";
    public const string SignInRateLimit = "portal-sign-in";

    public const string SignInPath = "/portal/sign-in";

    public static void AddPortalAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication()
            .AddCookie(Scheme, options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.Path = "/portal";
                options.LoginPath = SignInPath;
                options.LogoutPath = "/portal/sign-out";
                options.AccessDeniedPath = "/portal/forbidden";
                options.ReturnUrlParameter = "returnUrl";
                // The cookie lives exactly as long as the token inside it: no sliding, the API would refuse it anyway.
                options.SlidingExpiration = false;
                options.ExpireTimeSpan = TimeSpan.FromMinutes(configuration.GetValue("Auth:TokenLifetimeMinutes", 60));
                // Same rule as bearer tokens: a disabled user, a role or tenant change or a password reset ends the session.
                options.Events.OnValidatePrincipal = async context =>
                {
                    var principal = context.Principal;
                    var stamps = context.HttpContext.RequestServices.GetRequiredService<SecurityStamps>();
                    if (principal is null
                        || !Guid.TryParse(principal.FindFirst(LicenceOpsClaims.Subject)?.Value, out var userId)
                        || !await stamps.IsCurrentAsync(userId, principal.FindFirst(LicenceOpsClaims.SecurityStamp)?.Value, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(Scheme);
                    }
                };
            });
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IWebHostEnvironment>((options, environment) =>
            options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);

        services.AddAuthorizationBuilder()
            .AddPolicy(UserPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser())
            .AddPolicy(StaffPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireClaim(LicenceOpsClaims.Role, Roles.Staff));

        // Same budget as the token endpoint, per browser address; only attempts (POST) count, not showing the form.
        var permits = configuration.GetValue("Auth:TokenRequestsPerMinute", 10);
        services.AddRateLimiter(limiter => limiter.AddPolicy(SignInRateLimit, http =>
            HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    "portal:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("portal:read")));
    }

    /// <summary>Signs the verified user in: claims as in the token, the token itself stored in the ticket.</summary>
    public static async Task SignInAsync(HttpContext context, UserRecord user, TokenIssuer issuer)
    {
        var (token, expiresIn) = issuer.Issue(user);
        var claims = new List<Claim>
        {
            new(LicenceOpsClaims.Subject, user.Id.ToString()),
            new(LicenceOpsClaims.Email, user.Email),
            new(LicenceOpsClaims.Name, user.DisplayName),
            new(LicenceOpsClaims.Role, user.Role),
            new(LicenceOpsClaims.SecurityStamp, user.SecurityStamp),
        };
        if (user.TenantId is { } tenantId)
        {
            claims.Add(new Claim(LicenceOpsClaims.TenantId, tenantId.ToString()));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, LicenceOpsClaims.Email, LicenceOpsClaims.Role));
        var properties = new AuthenticationProperties
        {
            IsPersistent = false,
            IssuedUtc = DateTimeOffset.UtcNow,
            // A little before the token itself so a page never starts with a token about to lapse.
            ExpiresUtc = DateTimeOffset.UtcNow.AddSeconds(Math.Max(60, expiresIn - 60)),
            AllowRefresh = false,
        };
        properties.StoreTokens([new AuthenticationToken { Name = AccessTokenName, Value = token }]);
        await context.SignInAsync(Scheme, principal, properties);
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);
}
