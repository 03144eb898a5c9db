using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LicenceOps.Seats.Vendors.Http;
using LicenceOps.Seats.Vendors.Manual;

namespace LicenceOps.Seats.Vendors.Scim;

/// <summary>
/// Any vendor with a SCIM 2.0 (RFC 7643/7644) provisioning endpoint. The vendor account's base address is the SCIM root
/// (…/scim/v2/); the secret is its bearer token. Users are listed with startIndex/count to totalResults, found with
/// <c>filter=userName eq "…"</c>, created with POST, deactivated with PATCH active=false; a 404 means the user is gone.
/// The member's e-mail is the userName (how Entra, Okta and most vendors provision).
/// </summary>
public sealed class ScimConnector(HttpClient http, ManualConnector manual, TimeProvider time) : ApiConnector(manual, time)
{
    private const int PageSize = 100;
    private const string ScimJson = "application/scim+json";

    public override string Name => ConnectorKinds.Scim;

    protected override string Vendor => "SCIM";

    public override async Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct)
    {
        const string call = "SCIM GET /Users";
        var members = new List<VendorMember>();
        var startIndex = 1;
        while (true)
        {
            var response = await VendorHttp.SendAsync(http, call, () => Request(account, HttpMethod.Get, $"Users?startIndex={startIndex}&count={PageSize}"), ct);
            var (page, total) = await VendorHttp.ReadJsonAsync(response, call, root =>
                (Resources(root).Select(ReadUser).ToList(), root.TryGetProperty("totalResults", out var t) ? t.GetInt32() : 0), ct);
            members.AddRange(page);
            // RFC 7644 §3.4.2.4: a page may hold fewer than count; stop at totalResults or on an empty page.
            if (page.Count == 0 || members.Count >= total)
            {
                return new VendorReading<VendorMemberList>.Read(Complete(members, reportsActivity: false));
            }
            startIndex += page.Count;
        }
    }

    public override async Task<VendorReading<VendorMember?>> FindMemberAsync(VendorAccount account, string email, CancellationToken ct) =>
        new VendorReading<VendorMember?>.Read((await FindAsync(account, email, ct)) is { } found ? ReadUser(found) : null);

    public override async Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct)
    {
        const string call = "SCIM GET /Users";
        var response = await VendorHttp.SendAsync(http, call, () => Request(account, HttpMethod.Get, "Users?startIndex=1&count=1"), ct);
        var total = await VendorHttp.ReadJsonAsync(response, call, root => root.TryGetProperty("totalResults", out var t) ? t.GetInt32() : 0, ct);
        return new VendorReading<string>.Read($"SCIM endpoint reachable ({total} user(s)).");
    }

    public override async Task<ConnectorResult> InviteAsync(VendorMemberContext member, CancellationToken ct)
    {
        var account = member.Account;
        if (await FindAsync(account, member.Email, ct) is { } existing)
        {
            if (existing.Bool("active", fallback: true))
            {
                return Done("user already provisioned");
            }
            await SetActiveAsync(account, existing.Required("id"), true, ct);
            return Done("user reactivated");
        }
        const string call = "SCIM POST /Users";
        var names = member.DisplayName.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var body = new Dictionary<string, object?>
        {
            ["schemas"] = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" },
            ["userName"] = member.Email,
            ["displayName"] = member.DisplayName,
            ["name"] = new { givenName = names.FirstOrDefault() ?? member.Email, familyName = names.Length > 1 ? names[1] : "" },
            ["emails"] = new[] { new { value = member.Email, type = "work", primary = true } },
            ["active"] = true,
        };
        var response = await VendorHttp.SendAsync(http, call, () => WithBody(Request(account, HttpMethod.Post, "Users"), body), ct, HttpStatusCode.Conflict);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            response.Dispose();
            return Done("user already provisioned (409 uniqueness)");
        }
        var id = await VendorHttp.ReadJsonAsync(response, call, root => root.Required("id"), ct);
        return Done($"user {id} provisioned");
    }

    public override async Task<ConnectorResult> RevokeAsync(VendorMemberContext member, CancellationToken ct)
    {
        var existing = await FindAsync(member.Account, member.Email, ct);
        if (existing is null)
        {
            return Done("user already gone");
        }
        if (!existing.Value.Bool("active", fallback: true))
        {
            return Done("user already deactivated");
        }
        return await SetActiveAsync(member.Account, existing.Value.Required("id"), false, ct)
            ? Done("user deactivated")
            : Done("user already gone");
    }

    /// <returns>false when the user is gone (404).</returns>
    private async Task<bool> SetActiveAsync(VendorAccount account, string id, bool active, CancellationToken ct)
    {
        var body = new
        {
            schemas = new[] { "urn:ietf:params:scim:api:messages:2.0:PatchOp" },
            Operations = new[] { new { op = "replace", path = "active", value = active } },
        };
        using var response = await VendorHttp.SendAsync(http, "SCIM PATCH /Users/{id}",
            () => WithBody(Request(account, HttpMethod.Patch, $"Users/{Uri.EscapeDataString(id)}"), body), ct, HttpStatusCode.NotFound);
        return response.StatusCode != HttpStatusCode.NotFound;
    }

    private async Task<JsonElement?> FindAsync(VendorAccount account, string email, CancellationToken ct)
    {
        const string call = "SCIM GET /Users?filter=userName eq";
        var filter = Uri.EscapeDataString($"userName eq \"{email.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");
        var response = await VendorHttp.SendAsync(http, call, () => Request(account, HttpMethod.Get, $"Users?filter={filter}"), ct);
        return await VendorHttp.ReadJsonAsync(response, call, root =>
            Resources(root).Select(r => (JsonElement?)r.Clone())
                .FirstOrDefault(r => string.Equals(r!.Value.Str("userName"), email, StringComparison.OrdinalIgnoreCase)), ct);
    }

    private static IEnumerable<JsonElement> Resources(JsonElement root) =>
        root.TryGetProperty("Resources", out var resources) && resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray()
            : root.TryGetProperty("totalResults", out var total) && total.GetInt32() == 0
                ? []
                : throw new FormatException("'Resources' is missing from a non-empty list response");

    private static VendorMember ReadUser(JsonElement user)
    {
        var userName = user.Required("userName");
        var created = user.TryGetProperty("meta", out var meta) ? VendorHttp.Date(meta.Str("created")) : null;
        return new VendorMember(userName, null, user.Bool("active", fallback: true) ? VendorMemberStatuses.Active : VendorMemberStatuses.Inactive,
            null, user.Required("id"), user.Str("displayName"), created);
    }

    private static HttpRequestMessage Request(VendorAccount account, HttpMethod method, string relative)
    {
        var connection = ConnectionOf(account);
        var root = connection.BaseAddress ?? throw new VendorConnectorException($"The SCIM vendor account '{connection.DisplayName}' has no base address.");
        var request = new HttpRequestMessage(method, new Uri(VendorHttp.BaseOf(account, root), relative));
        request.Headers.Authorization = VendorHttp.Bearer(connection.Secret.Reveal());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ScimJson));
        return request;
    }

    private static HttpRequestMessage WithBody(HttpRequestMessage request, object body)
    {
        request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, ScimJson);
        return request;
    }
}
