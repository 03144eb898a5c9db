using System.Security.Claims;
using LicenceOps.Platform.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LicenceOps.Platform.Identity;

public sealed class TokenIssuer(TokenSigning signing)
{
    public (string Token, int ExpiresInSeconds) Issue(UserRecord user)
    {
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

        // Token lifetimes follow the real clock: validation in JwtBearer does not use the injected TimeProvider.
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthSetup.Issuer,
            Audience = AuthSetup.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + signing.Lifetime,
            SigningCredentials = new SigningCredentials(signing.Key, AuthSetup.SigningAlgorithm),
        });
        return (token, (int)signing.Lifetime.TotalSeconds);
    }
}
