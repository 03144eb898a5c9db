using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LicenceOps.Platform.Security;

/// <summary>
/// The bearer token handler of the API: validates a token fully (signature, issuer, audience, algorithm, lifetime)
/// the first time it is presented, then remembers that this exact token string is valid until it expires, so the
/// next requests with it skip parsing its JSON, checking its HMAC and building its claims (about 30 µs, half the
/// cost of an unauthenticated request; every client sends the same token for up to an hour). What it does not
/// skip: the expiry (checked on every hit, as the full validation would) and the account check — the
/// <c>OnTokenValidated</c> event (<see cref="SecurityStamps"/>) runs after this handler on every request, cached or
/// not, so a disabled, downgraded, moved or re-passworded account is refused at once as before (ADR 0029).
/// Only valid results are remembered; a changed byte is another key and is validated from scratch. Each request
/// gets its own copy of the identity, so nothing a request does to its principal reaches another request.
/// </summary>
public sealed class ValidatedTokenCache : JsonWebTokenHandler, IDisposable
{
    /// <summary>Distinct tokens remembered at most; past that the cache evicts and tokens are simply validated again.</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache validated = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private readonly TimeProvider clock;

    /// <param name="clock">The clock the lifetime check uses; the real one in the product (like the lifetime validator).</param>
    public ValidatedTokenCache(TimeProvider clock)
    {
        this.clock = clock;
        MapInboundClaims = false;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (validated.TryGetValue(token, out Validated? known) && known is not null)
        {
            if (now < known.ValidTo + validationParameters.ClockSkew)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = known.Identity.Clone(),
                    SecurityToken = known.Token,
                    Issuer = known.Token.Issuer,
                    TokenType = known.Token.Typ,
                };
            }
            validated.Remove(token);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, SecurityToken: JsonWebToken jwt, ClaimsIdentity: { } identity } && jwt.ValidTo > now)
        {
            validated.Set(token, new Validated(jwt, identity.Clone(), jwt.ValidTo), new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpiration = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + validationParameters.ClockSkew,
            });
        }
        return result;
    }

    public void Dispose() => validated.Dispose();

    private sealed record Validated(JsonWebToken Token, ClaimsIdentity Identity, DateTime ValidTo);
}
