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
    : OrganizationAdminConnector(http, manual, time)
{
    public override string Name => ConnectorKinds.OpenAi;

    protected override string Vendor => "OpenAI";

    protected override string UsersPath => "v1/organization/users";

    protected override string InvitesPath => "v1/organization/invites";

    protected override string CursorParameter => "after";

    protected override string DefaultInviteRole => "reader";

    public override async Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct)
    {
        var users = await UsersAsync(account, ct);
        var invites = await InvitesAsync(account, ct);
        return new VendorReading<VendorMemberList>.Read(Complete(Members(users, invites), reportsActivity: false));
    }

    protected override OrganizationUser ReadUser(JsonElement u) =>
        new(u.Required("id"), u.Required("email"), u.Str("name"), u.Str("role"), VendorHttp.UnixDate(u, "added_at"));

    protected override OrganizationInvite ReadInvite(JsonElement i) =>
        new(i.Required("id"), i.Required("email"), i.Str("role"), i.Str("status") ?? "pending", VendorHttp.UnixDate(i, "created_at"));

    protected override HttpRequestMessage Request(VendorAccount account, HttpMethod method, string relative)
    {
        var connection = ConnectionOf(account);
        var request = new HttpRequestMessage(method, new Uri(VendorHttp.BaseOf(account, options.Value.Vendors.Default("openai")), relative));
        request.Headers.Authorization = VendorHttp.Bearer(connection.Secret.Reveal());
        return request;
    }
}
