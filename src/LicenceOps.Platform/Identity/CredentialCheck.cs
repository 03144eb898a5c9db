using Microsoft.AspNetCore.Identity;

namespace LicenceOps.Platform.Identity;

/// <summary>
/// The one rule for "these credentials sign this user in", shared by the token endpoint and the portal's cookie
/// sign-in so the two can never disagree (a disabled account is refused by both).
/// </summary>
public sealed class CredentialCheck(UserStore users, IPasswordHasher<UserRecord> hasher)
{
    /// <returns>The active user the e-mail and password belong to, or null.</returns>
    public async Task<UserRecord?> VerifyAsync(string email, string password, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(email, ct);
        var verified = user is { IsActive: true }
            && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
        return verified ? user : null;
    }
}
