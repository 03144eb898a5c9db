using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.Seats.Vendors.Manual;

namespace LicenceOps.Seats.Vendors.Http;

/// <summary>
/// What organisation-style admin APIs (OpenAI, Anthropic) share: users and pending invites listed with a last-id cursor
/// (<c>has_more</c> + <c>last_id</c>), an invite by e-mail with a role, removal of a user or an invite by id (404 = already
/// gone). A subclass names its paths, cursor parameter and headers and reads its own JSON fields.
/// </summary>
public abstract class OrganizationAdminConnector(HttpClient http, ManualConnector manual, TimeProvider time) : ApiConnector(manual, time)
{
    private const int PageSize = 100;

    protected HttpClient Http => http;

    /// <summary>e.g. "v1/organization/users".</summary>
    protected abstract string UsersPath { get; }

    protected abstract string InvitesPath { get; }

    /// <summary>The query parameter that carries the previous page's last id ("after", "after_id").</summary>
    protected abstract string CursorParameter { get; }

    /// <summary>Role of an invite when the vendor account's settings give no "inviteRole".</summary>
    protected abstract string DefaultInviteRole { get; }

    protected abstract OrganizationUser ReadUser(JsonElement user);

    protected abstract OrganizationInvite ReadInvite(JsonElement invite);

    /// <summary>A request with the vendor's authentication headers.</summary>
    protected abstract HttpRequestMessage Request(VendorAccount account, HttpMethod method, string relative);

    protected sealed record OrganizationUser(string Id, string Email, string? Name, string? Role, DateOnly? AddedOn);

    protected sealed record OrganizationInvite(string Id, string Email, string? Role, string Status, DateOnly? InvitedOn);

    /// <summary>Users as active members, then pending invites of people not yet users.</summary>
    protected static IEnumerable<VendorMember> Members(List<OrganizationUser> users, List<OrganizationInvite> invites, Func<string, DateOnly?>? lastActive = null) =>
        users.Select(u => new VendorMember(u.Email, u.Role, VendorMemberStatuses.Active, lastActive?.Invoke(u.Email), u.Id, u.Name, u.AddedOn))
            .Concat(invites.Where(i => i.Status == "pending" && !users.Any(u => Same(u.Email, i.Email)))
                .Select(i => new VendorMember(i.Email, i.Role, VendorMemberStatuses.Invited, null, i.Id, null, i.InvitedOn)));

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
        var role = ConnectionOf(account).OptionalSetting("inviteRole") ?? DefaultInviteRole;
        var call = $"{Vendor} POST /{InvitesPath}";
        var response = await VendorHttp.SendAsync(http, call, () =>
        {
            var request = Request(account, HttpMethod.Post, InvitesPath);
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
            using var response = await VendorHttp.SendAsync(http, $"{Vendor} DELETE /{UsersPath}/{{id}}",
                () => Request(account, HttpMethod.Delete, $"{UsersPath}/{Uri.EscapeDataString(user.Id)}"), ct, HttpStatusCode.NotFound);
            removed.Add(response.StatusCode == HttpStatusCode.NotFound ? $"user {user.Id} already gone" : $"user {user.Id} removed");
        }
        foreach (var invite in (await InvitesAsync(account, ct)).Where(i => Same(i.Email, member.Email) && i.Status == "pending"))
        {
            using var response = await VendorHttp.SendAsync(http, $"{Vendor} DELETE /{InvitesPath}/{{id}}",
                () => Request(account, HttpMethod.Delete, $"{InvitesPath}/{Uri.EscapeDataString(invite.Id)}"), ct, HttpStatusCode.NotFound);
            removed.Add(response.StatusCode == HttpStatusCode.NotFound ? $"invite {invite.Id} already gone" : $"invite {invite.Id} deleted");
        }
        return Done(removed.Count == 0 ? "not a member of the organisation" : string.Join(", ", removed));
    }

    public override async Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct)
    {
        var call = $"{Vendor} GET /{UsersPath}";
        var response = await VendorHttp.SendAsync(http, call, () => Request(account, HttpMethod.Get, $"{UsersPath}?limit=1"), ct);
        var count = await VendorHttp.ReadJsonAsync(response, call, root => root.Array("data").Count(), ct);
        return new VendorReading<string>.Read($"{Vendor} organisation reachable ({count} user(s) on the first page).");
    }

    protected Task<List<OrganizationUser>> UsersAsync(VendorAccount account, CancellationToken ct) =>
        PagesAsync(account, UsersPath, ReadUser, ct);

    protected Task<List<OrganizationInvite>> InvitesAsync(VendorAccount account, CancellationToken ct) =>
        PagesAsync(account, InvitesPath, ReadInvite, ct);

    /// <summary>Follows the last-id cursor while has_more, to the end; a page that repeats its cursor stops the loop.</summary>
    private async Task<List<T>> PagesAsync<T>(VendorAccount account, string path, Func<JsonElement, T> read, CancellationToken ct)
    {
        var call = $"{Vendor} GET /{path}";
        var items = new List<T>();
        string? after = null;
        while (true)
        {
            var query = $"{path}?limit={PageSize}" + (after is null ? "" : $"&{CursorParameter}={Uri.EscapeDataString(after)}");
            var response = await VendorHttp.SendAsync(http, call, () => Request(account, HttpMethod.Get, query), ct);
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

    protected static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
