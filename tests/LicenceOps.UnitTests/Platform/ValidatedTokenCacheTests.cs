using System.Security.Claims;
using System.Security.Cryptography;
using LicenceOps.Platform.Security;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LicenceOps.UnitTests.Platform;

/// <summary>
/// The remembered validations of bearer tokens: a hit gives what a full validation gave, never past the token's
/// expiry, never for a token that differs by a byte, and each caller gets an identity of its own.
/// (The account check that runs after it on every request is covered by AccountSecurityTests.)
/// </summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero));
    private readonly SymmetricSecurityKey key = new(RandomNumberGenerator.GetBytes(32));

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = AuthSetup.Issuer,
        ValidAudience = AuthSetup.Audience,
        IssuerSigningKey = key,
        ValidAlgorithms = [AuthSetup.SigningAlgorithm],
        ClockSkew = Skew,
        // Like the product's validator, on the test's clock.
        LifetimeValidator = (notBefore, expires, _, p) => expires is { } until && clock.GetUtcNow().UtcDateTime < until + p.ClockSkew
            && notBefore is { } from && clock.GetUtcNow().UtcDateTime >= from - p.ClockSkew,
    };

    private string Token(string subject, SecurityKey? signingKey = null, TimeSpan? validFrom = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = AuthSetup.Issuer,
        Audience = AuthSetup.Audience,
        Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", "staff_admin"), new Claim("stamp", "s1")]),
        NotBefore = clock.GetUtcNow().UtcDateTime + (validFrom ?? TimeSpan.FromMinutes(-1)),
        IssuedAt = clock.GetUtcNow().UtcDateTime.AddMinutes(-1),
        Expires = clock.GetUtcNow().UtcDateTime.AddMinutes(10),
        SigningCredentials = new SigningCredentials(signingKey ?? key, AuthSetup.SigningAlgorithm),
    });

    [Test]
    public async Task A_remembered_token_gives_what_its_full_validation_gave_with_an_identity_of_its_own()
    {
        using var cache = new ValidatedTokenCache(clock);
        var token = Token("user-a");
        var first = await cache.ValidateTokenAsync(token, Parameters());
        var second = await cache.ValidateTokenAsync(token, Parameters());

        Assert.That(first.IsValid && second.IsValid, Is.True);
        Assert.That(second.ClaimsIdentity, Is.Not.SameAs(first.ClaimsIdentity));
        Assert.That(second.ClaimsIdentity.GetType(), Is.EqualTo(first.ClaimsIdentity.GetType()), "claim lookups stay case-sensitive");
        Assert.That(second.ClaimsIdentity.IsAuthenticated, Is.True);
        Assert.That(second.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)), Is.EquivalentTo(first.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value))));
        Assert.That(second.SecurityToken.ValidTo, Is.EqualTo(first.SecurityToken.ValidTo));

        // What one request does to its principal does not reach the next one.
        second.ClaimsIdentity.AddClaim(new Claim("role", "injected"));
        var third = await cache.ValidateTokenAsync(token, Parameters());
        Assert.That(third.ClaimsIdentity.HasClaim("role", "injected"), Is.False);
    }

    [Test]
    public async Task A_remembered_token_is_refused_once_it_has_expired()
    {
        using var cache = new ValidatedTokenCache(clock);
        var token = Token("user-a");
        Assert.That((await cache.ValidateTokenAsync(token, Parameters())).IsValid, Is.True);

        clock.Advance(TimeSpan.FromMinutes(10) + Skew - TimeSpan.FromSeconds(1));
        Assert.That((await cache.ValidateTokenAsync(token, Parameters())).IsValid, Is.True, "within the clock skew");
        clock.Advance(TimeSpan.FromSeconds(2));
        var expired = await cache.ValidateTokenAsync(token, Parameters());
        Assert.That(expired.IsValid, Is.False);
        Assert.That(expired.Exception, Is.Not.Null);
    }

    [Test]
    public async Task A_token_that_differs_by_one_byte_from_a_remembered_one_is_validated_and_refused()
    {
        using var cache = new ValidatedTokenCache(clock);
        var token = Token("user-a");
        Assert.That((await cache.ValidateTokenAsync(token, Parameters())).IsValid, Is.True);

        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[0] = signature[0] == 'A' ? 'B' : 'A';
        var tampered = $"{parts[0]}.{parts[1]}.{new string(signature)}";
        Assert.That((await cache.ValidateTokenAsync(tampered, Parameters())).IsValid, Is.False);

        var foreign = Token("user-a", new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
        Assert.That((await cache.ValidateTokenAsync(foreign, Parameters())).IsValid, Is.False);
        Assert.That((await cache.ValidateTokenAsync(token, Parameters())).IsValid, Is.True, "the genuine token still is");
    }

    [Test]
    public async Task Each_token_authenticates_its_own_subject()
    {
        using var cache = new ValidatedTokenCache(clock);
        var tokens = Enumerable.Range(0, 20).Select(i => (Subject: $"user-{i}", Token: Token($"user-{i}"))).ToList();
        for (var round = 0; round < 3; round++)
        {
            foreach (var (subject, token) in tokens)
            {
                var result = await cache.ValidateTokenAsync(token, Parameters());
                Assert.That(result.IsValid, Is.True);
                Assert.That(result.ClaimsIdentity.FindFirst("sub")?.Value, Is.EqualTo(subject));
            }
        }
    }

    [Test]
    public async Task An_invalid_token_is_not_remembered()
    {
        using var cache = new ValidatedTokenCache(clock);
        var early = Token("user-a", validFrom: TimeSpan.FromMinutes(5));
        Assert.That((await cache.ValidateTokenAsync(early, Parameters())).IsValid, Is.False, "not valid yet");
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.That((await cache.ValidateTokenAsync(early, Parameters())).IsValid, Is.True, "validated afresh once it is valid");
    }
}
