using System.Net;
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
    : OrganizationAdminConnector(http, manual, time)
{
    private const int PageSize = 100;
    private const string ApiVersion = "2023-06-01";

    public override string Name => ConnectorKinds.Anthropic;

    protected override string Vendor => "Anthropic";

    protected override string UsersPath => "v1/organizations/users";

    protected override string InvitesPath => "v1/organizations/invites";

    protected override string CursorParameter => "after_id";

    protected override string DefaultInviteRole => "user";

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
        var members = Members(users, invites, email => lastActive?.GetValueOrDefault(email));
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
            var response = await VendorHttp.SendAsync(Http, call, () => Request(account, HttpMethod.Get, query), ct,
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

    protected override OrganizationUser ReadUser(JsonElement u) =>
        new(u.Required("id"), u.Required("email"), u.Str("name"), u.Str("role"), VendorHttp.Date(u.Str("added_at")));

    protected override OrganizationInvite ReadInvite(JsonElement i) =>
        new(i.Required("id"), i.Required("email"), i.Str("role"), i.Str("status") ?? "pending", VendorHttp.Date(i.Str("invited_at")));

    protected override HttpRequestMessage Request(VendorAccount account, HttpMethod method, string relative)
    {
        var connection = ConnectionOf(account);
        var request = new HttpRequestMessage(method, new Uri(VendorHttp.BaseOf(account, options.Value.Vendors.Default("anthropic")), relative));
        request.Headers.Add("x-api-key", connection.Secret.Reveal());
        request.Headers.Add("anthropic-version", ApiVersion);
        return request;
    }
}
