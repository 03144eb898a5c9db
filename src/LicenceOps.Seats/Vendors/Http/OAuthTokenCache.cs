using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
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

    /// <summary>
    /// Sends a request built with the cached bearer token; a 401 means the token expired or was revoked: forget it, log
    /// in again once and resend. <paramref name="token"/> gets (or logs in for) the connection's token.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpClient http, VendorConnection connection, string call, Func<Task<string>> token, Func<string, HttpRequestMessage> build,
        CancellationToken ct, HttpStatusCode[] accepted)
    {
        var current = await token();
        var response = await VendorHttp.SendAsync(http, call, () => build(current), ct, [.. accepted, HttpStatusCode.Unauthorized]);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }
        response.Dispose();
        Forget(connection);
        var renewed = await token();
        return await VendorHttp.SendAsync(http, call, () => build(renewed), ct, accepted);
    }

    /// <summary>A JSON request (or none) with a bearer token.</summary>
    public static HttpRequestMessage BearerRequest(HttpMethod method, Uri uri, object? body, string bearer)
    {
        var request = new HttpRequestMessage(method, uri) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = VendorHttp.Bearer(bearer);
        return request;
    }

    public void Forget(VendorConnection connection) => tokens.TryRemove(Key(connection), out _);

    // Keyed by a hash of the secret too, so replacing a vendor account's credential never reuses the old token.
    private static string Key(VendorConnection connection) =>
        connection.Id.ToString("N") + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(connection.Secret.IsPresent ? connection.Secret.Reveal() : "")))[..16];
}
