using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LicenceOps.Seats.Vendors.Http;
using LicenceOps.Seats.Vendors.Manual;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Vendors.Google;

/// <summary>
/// Google Workspace (Gemini) through the Enterprise License Manager API (licence assignments per product and SKU,
/// <c>nextPageToken</c> paging) and the Reports API (last login). A service account with domain-wide delegation signs a
/// JWT (RS256) and acts as a Workspace admin. Settings: productId, skuId, serviceAccountEmail, adminEmail, optional
/// customerId (default: the admin's domain) and tokenUri. The secret is the service account's private key (PEM) or its
/// whole JSON key file.
/// </summary>
public sealed class GoogleConnector(HttpClient http, ManualConnector manual, TimeProvider time, IOptions<SeatsOptions> options, OAuthTokenCache tokens)
    : ApiConnector(manual, time)
{
    private const string Scopes = "https://www.googleapis.com/auth/apps.licensing https://www.googleapis.com/auth/admin.reports.usage.readonly";

    /// <summary>Reports data arrives with a delay of a few days; read the latest day that is complete.</summary>
    private const int ReportLagDays = 3;

    public override string Name => ConnectorKinds.Google;

    protected override string Vendor => "Google Workspace";

    public override async Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct)
    {
        var connection = ConnectionOf(account);
        var customer = Uri.EscapeDataString(Customer(connection));
        var assigned = await PagesAsync(account, Licensing(account, $"{SkuPath(connection)}/users?customerId={customer}&maxResults=1000"),
            "Google GET licensing/v1 listForProductAndSku", "items", item => item.Required("userId"), ct);
        var day = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-ReportLagDays);
        var usage = await ReadUsageAsync(account, day, day, ct);
        var lastLogin = usage is VendorReading<IReadOnlyList<VendorUsage>>.Read read
            ? read.Value.GroupBy(u => u.Email, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Max(u => u.LastActiveOn), StringComparer.OrdinalIgnoreCase)
            : null;
        var members = assigned.Select(email => new VendorMember(email, null, VendorMemberStatuses.Active, lastLogin?.GetValueOrDefault(email), email));
        return new VendorReading<VendorMemberList>.Read(Complete(members, lastLogin is not null,
            "Last activity is the member's last Google Workspace login (Reports API), not Gemini use."));
    }

    public override async Task<VendorReading<VendorMember?>> FindMemberAsync(VendorAccount account, string email, CancellationToken ct)
    {
        var connection = ConnectionOf(account);
        const string call = "Google GET licensing/v1 licenseAssignments.get";
        using var response = await SendAsync(account, call, HttpMethod.Get, Licensing(account, $"{SkuPath(connection)}/user/{Uri.EscapeDataString(email)}"),
            null, ct, HttpStatusCode.NotFound);
        return new VendorReading<VendorMember?>.Read(response.StatusCode == HttpStatusCode.NotFound
            ? null
            : new VendorMember(email, null, VendorMemberStatuses.Active, null, email));
    }

    /// <summary>Last login per user from the Reports API for the day <paramref name="to"/>; 1970-01-01 is Google's "never".</summary>
    public override async Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = await PagesAsync(account,
            Reports(account, $"admin/reports/v1/usage/users/all/dates/{to:yyyy-MM-dd}?parameters=accounts:last_login_time&maxResults=1000"),
            "Google GET reports/v1 usage/users", "usageReports", report =>
            {
                var email = report.GetProperty("entity").Required("userEmail");
                var login = report.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Array
                    ? parameters.EnumerateArray().FirstOrDefault(p => p.Str("name") == "accounts:last_login_time").Str("datetimeValue")
                    : null;
                var date = VendorHttp.Date(login);
                return new VendorUsage(email, date is { Year: 1970, Month: 1, Day: 1 } ? null : date);
            }, ct, emptyWhenMissing: true);
        return new VendorReading<IReadOnlyList<VendorUsage>>.Read(rows);
    }

    public override async Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct)
    {
        var connection = ConnectionOf(account);
        const string call = "Google GET licensing/v1 listForProductAndSku";
        var response = await SendAsync(account, call, HttpMethod.Get,
            Licensing(account, $"{SkuPath(connection)}/users?customerId={Uri.EscapeDataString(Customer(connection))}&maxResults=1"), null, ct);
        await VendorHttp.ReadJsonAsync(response, call, root => root.ValueKind, ct);
        return new VendorReading<string>.Read($"Google License Manager reachable for {connection.Setting("productId")}/{connection.Setting("skuId")}.");
    }

    public override async Task<ConnectorResult> InviteAsync(VendorMemberContext member, CancellationToken ct)
    {
        if (await FindMemberAsync(member.Account, member.Email, ct) is VendorReading<VendorMember?>.Read { Value: not null })
        {
            return Done("licence already assigned");
        }
        var connection = ConnectionOf(member.Account);
        const string call = "Google POST licensing/v1 licenseAssignments.insert";
        var response = await SendAsync(member.Account, call, HttpMethod.Post, Licensing(member.Account, $"{SkuPath(connection)}/user"),
            new { userId = member.Email }, ct);
        var user = await VendorHttp.ReadJsonAsync(response, call, root => root.Required("userId"), ct);
        return Done($"licence {connection.Setting("skuId")} assigned to {user}");
    }

    public override async Task<ConnectorResult> RevokeAsync(VendorMemberContext member, CancellationToken ct)
    {
        var connection = ConnectionOf(member.Account);
        using var response = await SendAsync(member.Account, "Google DELETE licensing/v1 licenseAssignments.delete", HttpMethod.Delete,
            Licensing(member.Account, $"{SkuPath(connection)}/user/{Uri.EscapeDataString(member.Email)}"), null, ct, HttpStatusCode.NotFound);
        return Done(response.StatusCode == HttpStatusCode.NotFound ? "licence already gone" : $"licence {connection.Setting("skuId")} removed");
    }

    private static string SkuPath(VendorConnection connection) =>
        $"apps/licensing/v1/product/{Uri.EscapeDataString(connection.Setting("productId"))}/sku/{Uri.EscapeDataString(connection.Setting("skuId"))}";

    private static string Customer(VendorConnection connection) =>
        connection.OptionalSetting("customerId") ?? connection.Setting("adminEmail").Split('@').Last();

    private Uri Licensing(VendorAccount account, string relative) => new(VendorHttp.BaseOf(account, options.Value.Vendors.Default("googleLicensing")), relative);

    private Uri Reports(VendorAccount account, string relative) => new(VendorHttp.BaseOf(account, options.Value.Vendors.Default("googleReports")), relative);

    private async Task<List<T>> PagesAsync<T>(
        VendorAccount account, Uri first, string call, string property, Func<JsonElement, T> read, CancellationToken ct, bool emptyWhenMissing = false)
    {
        var items = new List<T>();
        string? token = null;
        var seen = new HashSet<string>();
        do
        {
            var uri = token is null ? first : new Uri(first.AbsoluteUri + $"&pageToken={Uri.EscapeDataString(token)}");
            var response = await SendAsync(account, call, HttpMethod.Get, uri, null, ct);
            var (page, next) = await VendorHttp.ReadJsonAsync(response, call, root =>
                (emptyWhenMissing && !root.TryGetProperty(property, out _) ? [] : root.Array(property).Select(read).ToList(), root.Str("nextPageToken")), ct);
            items.AddRange(page);
            if (next is not null && !seen.Add(next))
            {
                throw new VendorConnectorException($"{call} repeated its page token: the list cannot be read to the end.");
            }
            token = next;
        }
        while (token is not null);
        return items;
    }

    private async Task<HttpResponseMessage> SendAsync(
        VendorAccount account, string call, HttpMethod method, Uri uri, object? body, CancellationToken ct, params HttpStatusCode[] accepted)
    {
        var connection = ConnectionOf(account);
        HttpRequestMessage Build(string bearer)
        {
            var request = new HttpRequestMessage(method, uri) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = VendorHttp.Bearer(bearer);
            return request;
        }
        var token = await TokenAsync(connection, ct);
        var response = await VendorHttp.SendAsync(http, call, () => Build(token), ct, [.. accepted, HttpStatusCode.Unauthorized]);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }
        response.Dispose();
        tokens.Forget(connection);
        var renewed = await TokenAsync(connection, ct);
        return await VendorHttp.SendAsync(http, call, () => Build(renewed), ct, accepted);
    }

    private Task<string> TokenAsync(VendorConnection connection, CancellationToken ct) =>
        tokens.GetAsync(connection, async () =>
        {
            var (privateKey, keyEmail) = ReadKey(connection.Secret.Reveal());
            var tokenUri = connection.OptionalSetting("tokenUri") ?? options.Value.Vendors.Default("googleToken").AbsoluteUri;
            var assertion = SignedAssertion(privateKey, keyEmail ?? connection.Setting("serviceAccountEmail"), connection.Setting("adminEmail"), tokenUri);
            const string call = "Google POST oauth2 token (service account JWT)";
            var response = await VendorHttp.SendAsync(http, call, () => new HttpRequestMessage(HttpMethod.Post, tokenUri)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                    ["assertion"] = assertion,
                }),
            }, ct);
            return await VendorHttp.ReadJsonAsync(response, call,
                root => (root.Required("access_token"), TimeSpan.FromSeconds(root.GetProperty("expires_in").GetInt32())), ct);
        });

    /// <summary>The secret is either a PEM private key or the service account JSON key file (private_key, client_email).</summary>
    private static (string Pem, string? Email) ReadKey(string secret)
    {
        if (!secret.TrimStart().StartsWith('{'))
        {
            return (secret, null);
        }
        try
        {
            using var document = JsonDocument.Parse(secret);
            return (document.RootElement.Required("private_key"), document.RootElement.Str("client_email"));
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            // Never echo the key itself.
            throw new VendorConnectorException("The stored Google service account key is not a valid JSON key file.");
        }
    }

    private string SignedAssertion(string pem, string issuer, string subject, string audience)
    {
        var now = Now.ToUnixTimeSeconds();
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT" }));
        var claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { iss = issuer, scope = Scopes, aud = audience, sub = subject, iat = now, exp = now + 3600 }));
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException)
        {
            throw new VendorConnectorException("The stored Google service account private key is not a PEM RSA key.");
        }
        var signature = rsa.SignData(Encoding.ASCII.GetBytes($"{header}.{claims}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{claims}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
