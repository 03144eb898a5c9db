using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsvHelper;
using LicenceOps.Seats.Vendors.Http;
using LicenceOps.Seats.Vendors.Manual;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Vendors.Graph;

/// <summary>
/// Microsoft Graph for Microsoft 365 Copilot: an app registration logs in with client credentials; the licence is a SKU
/// assigned to users of the client's directory (so "invite" = assign the licence to an existing user). Paging follows
/// <c>@odata.nextLink</c> whole. Settings: directoryTenantId, clientId, skuId, optional authority (login address) and
/// usageReport ("v1csv", default, or "betajson").
/// </summary>
public sealed class GraphConnector(HttpClient http, ManualConnector manual, TimeProvider time, IOptions<SeatsOptions> options, OAuthTokenCache tokens)
    : ApiConnector(manual, time)
{
    public override string Name => ConnectorKinds.Graph;

    protected override string Vendor => "Microsoft Graph";

    public override async Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct)
    {
        var skuId = ConnectionOf(account).Setting("skuId");
        var filter = Uri.EscapeDataString($"assignedLicenses/any(x:x/skuId eq {skuId})");
        var users = await PagesAsync(account, $"v1.0/users?$filter={filter}&$select=id,displayName,mail,userPrincipalName,accountEnabled,assignedLicenses&$top=999",
            "Graph GET /v1.0/users (assignedLicenses filter)", ReadUser, ct);
        var usage = await ReadUsageAsync(account, default, default, ct);
        var notes = new List<string>();
        Dictionary<string, DateOnly?>? lastActive = null;
        if (usage is VendorReading<IReadOnlyList<VendorUsage>>.Read read)
        {
            if (read.Value.Count > 0 && read.Value.All(u => !u.Email.Contains('@')))
            {
                notes.Add("The Copilot usage report conceals user names: turn off \"Display concealed user, group, and site names in all " +
                          "reports\" in the Microsoft 365 admin center (Settings > Org settings > Reports) to see activity per member.");
            }
            else
            {
                lastActive = read.Value.GroupBy(u => u.Email, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(g => g.Key, g => g.Max(u => u.LastActiveOn), StringComparer.OrdinalIgnoreCase);
            }
        }
        else if (usage is VendorReading<IReadOnlyList<VendorUsage>>.Unavailable unavailable)
        {
            notes.Add(unavailable.Reason);
        }
        var members = users.Select(u => u with
        {
            LastActiveOn = lastActive?.GetValueOrDefault(u.Email) ?? lastActive?.GetValueOrDefault(u.ExternalId ?? ""),
        });
        return new VendorReading<VendorMemberList>.Read(Complete(members, lastActive is not null, [.. notes]));
    }

    public override async Task<VendorReading<VendorMember?>> FindMemberAsync(VendorAccount account, string email, CancellationToken ct)
    {
        var skuId = ConnectionOf(account).Setting("skuId");
        const string call = "Graph GET /v1.0/users/{id}";
        var response = await SendAsync(account, call, HttpMethod.Get,
            $"v1.0/users/{Uri.EscapeDataString(email)}?$select=id,displayName,mail,userPrincipalName,accountEnabled,assignedLicenses", null, ct, HttpStatusCode.NotFound);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return new VendorReading<VendorMember?>.Read(null);
        }
        var (member, holds) = await VendorHttp.ReadJsonAsync(response, call, root => (ReadUser(root), HoldsSku(root, skuId)), ct);
        return new VendorReading<VendorMember?>.Read(holds ? member : null);
    }

    public override async Task<VendorReading<VendorQuantity>> ReadPurchasedQuantityAsync(VendorAccount account, CancellationToken ct)
    {
        var sku = await SkuAsync(account, ct);
        return sku is null
            ? new VendorReading<VendorQuantity>.Unavailable($"The directory has no subscribed SKU {ConnectionOf(account).Setting("skuId")}.")
            : new VendorReading<VendorQuantity>.Read(sku);
    }

    /// <summary>
    /// Copilot last activity per user from the usage report (the period only affects counts; lastActivityDate is the
    /// last activity ever). An empty string and null both mean "never". User names may be concealed (hashed).
    /// </summary>
    public override async Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var format = ConnectionOf(account).OptionalSetting("usageReport") ?? "v1csv";
        if (format == "betajson")
        {
            var rows = await PagesAsync(account, "beta/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')?$format=application/json",
                "Graph GET /beta/copilot/reports/getMicrosoft365CopilotUsageUserDetail", row =>
                    new VendorUsage(row.Required("userPrincipalName"), VendorHttp.Date(row.Str("lastActivityDate"))), ct);
            return new VendorReading<IReadOnlyList<VendorUsage>>.Read(rows);
        }
        const string call = "Graph GET /v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail";
        // v1.0 answers 302 to a pre-authenticated download; HttpClient follows it and drops the bearer token on the way.
        using var response = await SendAsync(account, call, HttpMethod.Get,
            "v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')", null, ct);
        var csv = await response.Content.ReadAsStringAsync(ct);
        return new VendorReading<IReadOnlyList<VendorUsage>>.Read(ParseUsageCsv(csv, call));
    }

    internal static IReadOnlyList<VendorUsage> ParseUsageCsv(string csv, string call)
    {
        const string user = "User Principal Name";
        const string last = "Last Activity Date";
        try
        {
            using var reader = CsvReader.FromText(csv.TrimStart('\uFEFF'), CsvReaderOptions.Default with { TrimWhitespace = true });
            reader.ReadHeader();
            if (!reader.Headers.Contains(user) || !reader.Headers.Contains(last))
            {
                throw new FormatException($"the header lacks '{user}' or '{last}'");
            }
            var rows = new List<VendorUsage>();
            while (reader.Read())
            {
                rows.Add(new VendorUsage(reader.GetString(user) ?? "", VendorHttp.Date(reader.GetString(last))));
            }
            return rows;
        }
        catch (Exception ex) when (ex is CsvFormatException or FormatException)
        {
            throw new VendorConnectorException($"{call} returned a CSV that is not the documented report ({ex.Message}).", ex);
        }
    }

    public override async Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct)
    {
        var sku = await SkuAsync(account, ct);
        return sku is null
            ? throw new VendorConnectorException($"Graph GET /v1.0/subscribedSkus: the directory has no SKU {ConnectionOf(account).Setting("skuId")}.")
            : new VendorReading<string>.Read($"Microsoft Graph reachable: SKU has {sku.Purchased} enabled unit(s), {sku.Consumed} consumed.");
    }

    public override async Task<ConnectorResult> InviteAsync(VendorMemberContext member, CancellationToken ct)
    {
        var skuId = ConnectionOf(member.Account).Setting("skuId");
        // Checked first so a step redone after a crash (call made, outcome not recorded) does not assign twice.
        if (await FindMemberAsync(member.Account, member.Email, ct) is VendorReading<VendorMember?>.Read { Value: not null })
        {
            return Done($"licence {skuId} already assigned");
        }
        const string call = "Graph POST /v1.0/users/{id}/assignLicense";
        using var response = await SendAsync(member.Account, call, HttpMethod.Post, $"v1.0/users/{Uri.EscapeDataString(member.Email)}/assignLicense",
            new { addLicenses = new[] { new { skuId, disabledPlans = Array.Empty<string>() } }, removeLicenses = Array.Empty<string>() }, ct,
            HttpStatusCode.NotFound);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // Not retryable by waiting alone, but the directory may gain the user soon (HR creates accounts late): retried, then raised.
            throw new VendorConnectorException($"{call} failed: HTTP 404, no user {member.Email} in the client's directory yet.");
        }
        return Done($"licence {skuId} assigned");
    }

    public override async Task<ConnectorResult> RevokeAsync(VendorMemberContext member, CancellationToken ct)
    {
        var skuId = ConnectionOf(member.Account).Setting("skuId");
        if (await FindMemberAsync(member.Account, member.Email, ct) is VendorReading<VendorMember?>.Read { Value: null })
        {
            return Done("user gone or licence not assigned");
        }
        using var response = await SendAsync(member.Account, "Graph POST /v1.0/users/{id}/assignLicense", HttpMethod.Post,
            $"v1.0/users/{Uri.EscapeDataString(member.Email)}/assignLicense",
            new { addLicenses = Array.Empty<object>(), removeLicenses = new[] { skuId } }, ct, HttpStatusCode.NotFound);
        return Done(response.StatusCode == HttpStatusCode.NotFound ? "user already gone" : $"licence {skuId} removed");
    }

    private async Task<VendorQuantity?> SkuAsync(VendorAccount account, CancellationToken ct)
    {
        var skuId = ConnectionOf(account).Setting("skuId");
        var skus = await PagesAsync(account, "v1.0/subscribedSkus", "Graph GET /v1.0/subscribedSkus", sku =>
            (Id: sku.Required("skuId"), PartNumber: sku.Str("skuPartNumber"),
             Quantity: new VendorQuantity(sku.GetProperty("prepaidUnits").GetProperty("enabled").GetInt32(), sku.GetProperty("consumedUnits").GetInt32())), ct);
        return skus.FirstOrDefault(s => string.Equals(s.Id, skuId, StringComparison.OrdinalIgnoreCase) || s.PartNumber == skuId).Quantity;
    }

    private static VendorMember ReadUser(JsonElement user) => new(
        user.Str("mail") ?? user.Required("userPrincipalName"),
        null,
        user.Bool("accountEnabled", fallback: true) ? VendorMemberStatuses.Active : VendorMemberStatuses.Inactive,
        null,
        user.Required("id"),
        user.Str("displayName"));

    private static bool HoldsSku(JsonElement user, string skuId) =>
        user.TryGetProperty("assignedLicenses", out var licences) && licences.ValueKind == JsonValueKind.Array
        && licences.EnumerateArray().Any(l => string.Equals(l.Str("skuId"), skuId, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads <c>value</c> of every page, following <c>@odata.nextLink</c> as given (it carries the skip token).</summary>
    private async Task<List<T>> PagesAsync<T>(VendorAccount account, string first, string call, Func<JsonElement, T> read, CancellationToken ct)
    {
        var items = new List<T>();
        var seen = new HashSet<string>();
        string? next = first;
        while (next is not null)
        {
            if (!seen.Add(next))
            {
                throw new VendorConnectorException($"{call} returned a nextLink it had already given: the list cannot be read to the end.");
            }
            var response = await SendAsync(account, call, HttpMethod.Get, next, null, ct);
            var (page, link) = await VendorHttp.ReadJsonAsync(response, call, root => (root.Array("value").Select(read).ToList(), root.Str("@odata.nextLink")), ct);
            items.AddRange(page);
            next = link;
        }
        return items;
    }

    /// <summary>Sends with a cached token; a 401 means the token expired or was revoked: log in again once and resend.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        VendorAccount account, string call, HttpMethod method, string pathOrUrl, object? body, CancellationToken ct, params HttpStatusCode[] accepted)
    {
        var connection = ConnectionOf(account);
        var uri = Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal)
            ? absolute
            : new Uri(VendorHttp.BaseOf(account, options.Value.Vendors.Default("graph")), pathOrUrl);
        var token = await TokenAsync(connection, ct);
        HttpRequestMessage Build(string bearer)
        {
            var request = new HttpRequestMessage(method, uri) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = VendorHttp.Bearer(bearer);
            return request;
        }
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
            var authority = connection.OptionalSetting("authority") is { } configured ? new Uri(configured) : options.Value.Vendors.Default("graphLogin");
            var tokenUri = new Uri(authority, $"{Uri.EscapeDataString(connection.Setting("directoryTenantId"))}/oauth2/v2.0/token");
            var graphBase = connection.OptionalSetting("scope") ?? "https://graph.microsoft.com/.default";
            const string call = "Microsoft identity platform POST /oauth2/v2.0/token (client credentials)";
            var response = await VendorHttp.SendAsync(http, call, () => new HttpRequestMessage(HttpMethod.Post, tokenUri)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["client_id"] = connection.Setting("clientId"),
                    ["client_secret"] = connection.Secret.Reveal(),
                    ["scope"] = graphBase,
                    ["grant_type"] = "client_credentials",
                }),
            }, ct);
            return await VendorHttp.ReadJsonAsync(response, call,
                root => (root.Required("access_token"), TimeSpan.FromSeconds(root.GetProperty("expires_in").GetInt32())), ct);
        });
}
