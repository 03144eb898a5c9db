using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace LicenceOps.Seats.Vendors.Http;

/// <summary>
/// Access tokens of OAuth client-credentials style logins (Graph, Google), per vendor account and credential, reused
/// until shortly before they expire. A 401 from the API drops the token so the next call logs in again.
/// </summary>
public sealed class OAuthTokenCache(TimeProvider time)
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset ExpiresAt)> tokens = new();

    public async Task<string> GetAsync(VendorConnection connection, Func<Task<(string Token, TimeSpan Lifetime)>> login)
    {
        var key = Key(connection);
        if (tokens.TryGetValue(key, out var cached) && cached.ExpiresAt - RenewBefore > time.GetUtcNow())
        {
            return cached.Token;
        }
        var (token, lifetime) = await login();
        tokens[key] = (token, time.GetUtcNow() + lifetime);
        return token;
    }

    public void Forget(VendorConnection connection) => tokens.TryRemove(Key(connection), out _);

    // Keyed by a hash of the secret too, so replacing a vendor account's credential never reuses the old token.
    private static string Key(VendorConnection connection) =>
        connection.Id.ToString("N") + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(connection.Secret.IsPresent ? connection.Secret.Reveal() : "")))[..16];
}
