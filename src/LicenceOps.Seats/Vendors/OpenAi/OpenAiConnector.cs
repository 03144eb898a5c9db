using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.Seats.Vendors.Http;
using LicenceOps.Seats.Vendors.Manual;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Vendors.OpenAi;

/// <summary>
/// OpenAI Admin API (ChatGPT/API organisation): users and invites, cursor paging with <c>after</c> + <c>has_more</c>.
/// Authenticates with an organisation admin key (Bearer). Neither last activity nor purchased seats are exposed.
/// </summary>
public sealed class OpenAiConnector(HttpClient http, ManualConnector manual, TimeProvider time, IOptions<SeatsOptions> options)
    : ApiConnector(manual, time)
{
    private const int PageSize = 100;

    public override string Name => ConnectorKinds.OpenAi;

    protected override string Vendor => "OpenAI";

    public override async Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct)
    {
        var users = await UsersAsync(account, ct);
        var invites = await InvitesAsync(account, ct);
        var members = users.Select(u => new VendorMember(u.Email, u.Role, VendorMemberStatuses.Active, null, u.Id, u.Name, u.AddedOn))
            .Concat(invites.Where(i => i.Status == "pending" && !users.Any(u => Same(u.Email, i.Email)))
                .Select(i => new VendorMember(i.Email, i.Role, VendorMemberStatuses.Invited, null, i.Id, null, i.CreatedOn)));
        return new VendorReading<VendorMemberList>.Read(Complete(members, reportsActivity: false));
    }

    public override async Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct)
    {
        var response = await VendorHttp.SendAsync(http, "OpenAI GET /v1/organization/users", () => Get(account, "v1/organization/users?limit=1"), ct);
        var count = await VendorHttp.ReadJsonAsync(response, "OpenAI GET /v1/organization/users", root => root.Array("data").Count(), ct);
        return new VendorReading<string>.Read($"OpenAI organisation reachable ({count} user(s) on the first page).");
    }

    public override async Task<ConnectorResult> InviteAsync(VendorMemberContext member, CancellationToken ct)
    {
        var account = member.Account;
        if ((await UsersAsync(account, ct)).Any(u => Same(u.Email, member.Email)))
        {
            return Done("already a member of the organisation");
        }
        if ((await InvitesAsync(account, ct)).Any(i => Same(i.Email, member.Email) && i.Status == "pending"))
        {
            return Done("invite already pending");
        }
        var role = ConnectionOf(account).OptionalSetting("inviteRole") ?? "reader";
        const string call = "OpenAI POST /v1/organization/invites";
        var response = await VendorHttp.SendAsync(http, call, () =>
        {
            var request = Request(account, HttpMethod.Post, "v1/organization/invites");
            request.Content = JsonContent.Create(new { email = member.Email, role });
            return request;
        }, ct);
        var id = await VendorHttp.ReadJsonAsync(response, call, root => root.Required("id"), ct);
        return Done($"invite {id} sent");
    }

    public override async Task<ConnectorResult> RevokeAsync(VendorMemberContext member, CancellationToken ct)
    {
        var account = member.Account;
        var removed = new List<string>();
        foreach (var user in (await UsersAsync(account, ct)).Where(u => Same(u.Email, member.Email)))
        {
            using var response = await VendorHttp.SendAsync(http, "OpenAI DELETE /v1/organization/users/{id}",
                () => Request(account, HttpMethod.Delete, $"v1/organization/users/{Uri.EscapeDataString(user.Id)}"), ct, HttpStatusCode.NotFound);
            removed.Add(response.StatusCode == HttpStatusCode.NotFound ? $"user {user.Id} already gone" : $"user {user.Id} removed");
        }
        foreach (var invite in (await InvitesAsync(account, ct)).Where(i => Same(i.Email, member.Email) && i.Status == "pending"))
        {
            using var response = await VendorHttp.SendAsync(http, "OpenAI DELETE /v1/organization/invites/{id}",
                () => Request(account, HttpMethod.Delete, $"v1/organization/invites/{Uri.EscapeDataString(invite.Id)}"), ct, HttpStatusCode.NotFound);
            removed.Add(response.StatusCode == HttpStatusCode.NotFound ? $"invite {invite.Id} already gone" : $"invite {invite.Id} deleted");
        }
        return Done(removed.Count == 0 ? "not a member of the organisation" : string.Join(", ", removed));
    }

    private sealed record User(string Id, string Email, string? Name, string? Role, DateOnly? AddedOn);

    private sealed record Invite(string Id, string Email, string? Role, string Status, DateOnly? CreatedOn);

    private Task<List<User>> UsersAsync(VendorAccount account, CancellationToken ct) =>
        PagesAsync(account, "v1/organization/users", "OpenAI GET /v1/organization/users",
            u => new User(u.Required("id"), u.Required("email"), u.Str("name"), u.Str("role"), VendorHttp.UnixDate(u, "added_at")), ct);

    private Task<List<Invite>> InvitesAsync(VendorAccount account, CancellationToken ct) =>
        PagesAsync(account, "v1/organization/invites", "OpenAI GET /v1/organization/invites",
            i => new Invite(i.Required("id"), i.Required("email"), i.Str("role"), i.Str("status") ?? "pending", VendorHttp.UnixDate(i, "created_at")), ct);

    /// <summary>Follows <c>after</c> = last_id while has_more, to the end; a page that repeats its cursor stops the loop.</summary>
    private async Task<List<T>> PagesAsync<T>(VendorAccount account, string path, string call, Func<JsonElement, T> read, CancellationToken ct)
    {
        var items = new List<T>();
        string? after = null;
        while (true)
        {
            var query = $"{path}?limit={PageSize}" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
            var response = await VendorHttp.SendAsync(http, call, () => Get(account, query), ct);
            var (page, hasMore, lastId) = await VendorHttp.ReadJsonAsync(response, call,
                root => (root.Array("data").Select(read).ToList(), root.Bool("has_more"), root.Str("last_id")), ct);
            items.AddRange(page);
            if (!hasMore)
            {
                return items;
            }
            if (lastId is null || lastId == after)
            {
                throw new VendorConnectorException($"{call} said has_more without a new last_id: the list cannot be read to the end.");
            }
            after = lastId;
        }
    }

    private HttpRequestMessage Get(VendorAccount account, string relative) => Request(account, HttpMethod.Get, relative);

    private HttpRequestMessage Request(VendorAccount account, HttpMethod method, string relative)
    {
        var connection = ConnectionOf(account);
        var request = new HttpRequestMessage(method, new Uri(VendorHttp.BaseOf(account, options.Value.Vendors.Default("openai")), relative));
        request.Headers.Authorization = VendorHttp.Bearer(connection.Secret.Reveal());
        return request;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
