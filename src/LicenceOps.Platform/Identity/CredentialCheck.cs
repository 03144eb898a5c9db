using Microsoft.AspNetCore.Identity;

namespace LicenceOps.Platform.Identity;

/// <summary>
/// The one rule for "these credentials sign this user in", shared by the token endpoint and the portal's cookie
/// sign-in so the two can never disagree (a disabled account is refused by both).
/// </summary>
public sealed class CredentialCheck(UserStore users, IPasswordHasher<UserRecord> hasher, DecoyPassword decoy)
{
    /// <returns>The active user the e-mail and password belong to, or null.</returns>
    public async Task<UserRecord?> VerifyAsync(string email, string password, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(email, ct);
        // Always pay for one hash verification, even for an unknown account: the answer time must not tell which
        // e-mails exist.
        var matches = hasher.VerifyHashedPassword(user ?? decoy.User, user?.PasswordHash ?? decoy.Hash, password) != PasswordVerificationResult.Failed;
        var verified = user is { IsActive: true } && matches;
        return verified ? user : null;
    }
}

/// <summary>A hash of a random password made with the real hasher and settings, verified when the e-mail is unknown.</summary>
public sealed class DecoyPassword
{
    public DecoyPassword(IPasswordHasher<UserRecord> hasher)
    {
        User = new UserRecord(Guid.Empty, "decoy@invalid", "decoy", string.Empty, LicenceOps.Platform.Security.Roles.ClientViewer, null, false,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, string.Empty);
        Hash = hasher.HashPassword(User, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
    }

    public UserRecord User { get; }

    public string Hash { get; }
}
