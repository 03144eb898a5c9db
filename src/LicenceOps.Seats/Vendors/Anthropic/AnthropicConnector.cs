using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.Seats.Vendors.Http;
using LicenceOps.Seats.Vendors.Manual;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Vendors.Anthropic;

/// <summary>
/// Anthropic Admin API (Claude Team/Enterprise organisation): users and invites with <c>after_id</c> + <c>has_more</c>
/// paging, headers <c>x-api-key</c> (an admin key) and <c>anthropic-version</c>. Per-user last activity comes from the
/// analytics endpoint, which only Enterprise plans have: elsewhere it answers 403/404 and activity is reported unavailable.
/// </summary>
public sealed class AnthropicConnector(HttpClient http, ManualConnector manual, TimeProvider time, IOptions<SeatsOptions> options)
    : ApiConnector(manual, time)
{
    private const int PageSize = 100;
    private const string ApiVersion = "2023-06-01";

    public override string Name => ConnectorKinds.Anthropic;

    protected override string Vendor => "Anthropic";

    public override async Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct)
    {
        var users = await UsersAsync(account, ct);
        var invites = await InvitesAsync(account, ct);
        // Analytics are computed per finished day, so yesterday is the most recent complete report.
        var yesterday = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1);
        var usage = await ReadUsageAsync(account, yesterday, yesterday, ct);
        var lastActive = usage is VendorReading<IReadOnlyList<VendorUsage>>.Read read
            ? read.Value.GroupBy(u => u.Email, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Max(u => u.LastActiveOn), StringComparer.OrdinalIgnoreCase)
            : null;
        var members = users.Select(u => new VendorMember(u.Email, u.Role, VendorMemberStatuses.Active,
                lastActive?.GetValueOrDefault(u.Email), u.Id, u.Name, u.AddedOn))
            .Concat(invites.Where(i => i.Status == "pending" && !users.Any(u => Same(u.Email, i.Email)))
                .Select(i => new VendorMember(i.Email, i.Role, VendorMemberStatuses.Invited, null, i.Id, null, i.InvitedOn)));
        var notes = usage is VendorReading<IReadOnlyList<VendorUsage>>.Unavailable unavailable ? new[] { unavailable.Reason } : [];
        return new VendorReading<VendorMemberList>.Read(Complete(members, lastActive is not null, notes));
    }

    /// <summary>
    /// Last activity per user from the analytics endpoint for the day <paramref name="to"/> (it reports each user's
    /// last_activity_date as of that day, so one day's report covers the whole period).
    /// </summary>
    public override async Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct)
    {
        const string call = "Anthropic GET /v1/organizations/analytics/users";
        var usages = new List<VendorUsage>();
        string? page = null;
        var pages = 0;
        while (true)
        {
            var query = $"v1/organizations/analytics/users?date={to:yyyy-MM-dd}&limit={PageSize}" + (page is null ? "" : $"&page={Uri.EscapeDataString(page)}");
            var response = await VendorHttp.SendAsync(http, call, () => Request(account, HttpMethod.Get, query), ct,
                HttpStatusCode.NotFound, HttpStatusCode.Forbidden);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                response.Dispose();
                return new VendorReading<IReadOnlyList<VendorUsage>>.Unavailable(
                    $"{call} answered {(int)response.StatusCode}: per-user activity needs a Claude Enterprise organisation.");
            }
            var (rows, next) = await VendorHttp.ReadJsonAsync(response, call, root => (
                root.Array("data").Select(r => new VendorUsage(
                    r.GetProperty("user").Required("email_address"), VendorHttp.Date(r.Str("last_activity_date")))).ToList(),
                root.Str("next_page")), ct);
            usages.AddRange(rows);
            if (next is null)
            {
                return new VendorReading<IReadOnlyList<VendorUsage>>.Read(usages);
            }
            if (next == page || ++pages > 10_000)
            {
                throw new VendorConnectorException($"{call} repeated its page cursor: the report cannot be read to the end.");
            }
            page = next;
        }
    }

    public override async Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct)
    {
        const string call = "Anthropic GET /v1/organizations/users";
        var response = await VendorHttp.SendAsync(http, call, () => Request(account, HttpMethod.Get, "v1/organizations/users?limit=1"), ct);
        var count = await VendorHttp.ReadJsonAsync(response, call, root => root.Array("data").Count(), ct);
        return new VendorReading<string>.Read($"Anthropic organisation reachable ({count} user(s) on the first page).");
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
        var role = ConnectionOf(account).OptionalSetting("inviteRole") ?? "user";
        const string call = "Anthropic POST /v1/organizations/invites";
        var response = await VendorHttp.SendAsync(http, call, () =>
        {
            var request = Request(account, HttpMethod.Post, "v1/organizations/invites");
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
            using var response = await VendorHttp.SendAsync(http, "Anthropic DELETE /v1/organizations/users/{id}",
                () => Request(account, HttpMethod.Delete, $"v1/organizations/users/{Uri.EscapeDataString(user.Id)}"), ct, HttpStatusCode.NotFound);
            removed.Add(response.StatusCode == HttpStatusCode.NotFound ? $"user {user.Id} already gone" : $"user {user.Id} removed");
        }
        foreach (var invite in (await InvitesAsync(account, ct)).Where(i => Same(i.Email, member.Email) && i.Status == "pending"))
        {
            using var response = await VendorHttp.SendAsync(http, "Anthropic DELETE /v1/organizations/invites/{id}",
                () => Request(account, HttpMethod.Delete, $"v1/organizations/invites/{Uri.EscapeDataString(invite.Id)}"), ct, HttpStatusCode.NotFound);
            removed.Add(response.StatusCode == HttpStatusCode.NotFound ? $"invite {invite.Id} already gone" : $"invite {invite.Id} deleted");
        }
        return Done(removed.Count == 0 ? "not a member of the organisation" : string.Join(", ", removed));
    }

    private sealed record User(string Id, string Email, string? Name, string? Role, DateOnly? AddedOn);

    private sealed record Invite(string Id, string Email, string? Role, string Status, DateOnly? InvitedOn);

    private Task<List<User>> UsersAsync(VendorAccount account, CancellationToken ct) =>
        PagesAsync(account, "v1/organizations/users", "Anthropic GET /v1/organizations/users",
            u => new User(u.Required("id"), u.Required("email"), u.Str("name"), u.Str("role"), VendorHttp.Date(u.Str("added_at"))), ct);

    private Task<List<Invite>> InvitesAsync(VendorAccount account, CancellationToken ct) =>
        PagesAsync(account, "v1/organizations/invites", "Anthropic GET /v1/organizations/invites",
            i => new Invite(i.Required("id"), i.Required("email"), i.Str("role"), i.Str("status") ?? "pending", VendorHttp.Date(i.Str("invited_at"))), ct);

    private async Task<List<T>> PagesAsync<T>(VendorAccount account, string path, string call, Func<JsonElement, T> read, CancellationToken ct)
    {
        var items = new List<T>();
        string? afterId = null;
        while (true)
        {
            var query = $"{path}?limit={PageSize}" + (afterId is null ? "" : $"&after_id={Uri.EscapeDataString(afterId)}");
            var response = await VendorHttp.SendAsync(http, call, () => Request(account, HttpMethod.Get, query), ct);
            var (page, hasMore, lastId) = await VendorHttp.ReadJsonAsync(response, call,
                root => (root.Array("data").Select(read).ToList(), root.Bool("has_more"), root.Str("last_id")), ct);
            items.AddRange(page);
            if (!hasMore)
            {
                return items;
            }
            if (lastId is null || lastId == afterId)
            {
                throw new VendorConnectorException($"{call} said has_more without a new last_id: the list cannot be read to the end.");
            }
            afterId = lastId;
        }
    }

    private HttpRequestMessage Request(VendorAccount account, HttpMethod method, string relative)
    {
        var connection = ConnectionOf(account);
        var request = new HttpRequestMessage(method, new Uri(VendorHttp.BaseOf(account, options.Value.Vendors.Default("anthropic")), relative));
        request.Headers.Add("x-api-key", connection.Secret.Reveal());
        request.Headers.Add("anthropic-version", ApiVersion);
        return request;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
