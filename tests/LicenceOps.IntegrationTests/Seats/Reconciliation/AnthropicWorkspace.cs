using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LicenceOps.IntegrationTests.Seats.Vendors;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// A Claude organisation on a loopback fake: users, pending invites and the per-user analytics report, each answered
/// in the documented shapes (the fixtures, with their values edited), holding state a test changes between runs.
/// </summary>
internal sealed class AnthropicWorkspace : IAsyncDisposable
{
    private readonly string usersDoc = FakeVendorServer.Fixture("anthropic_users_list.json");
    private readonly string invitesDoc = FakeVendorServer.Fixture("anthropic_invites_list.json");
    private readonly string analyticsDoc = FakeVendorServer.Fixture("anthropic_analytics_users.json");

    private AnthropicWorkspace(FakeVendorServer server) => Server = server;

    public FakeVendorServer Server { get; }

    /// <summary>Member e-mail → (display name, last activity or null for never).</summary>
    public ConcurrentDictionary<string, (string Name, DateOnly? LastActive)> Users { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Pending invites: e-mail → invited at.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> Invites { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<AnthropicWorkspace> StartAsync()
    {
        var workspace = new AnthropicWorkspace(await FakeVendorServer.StartAsync());
        workspace.Play();
        return workspace;
    }

    /// <summary>Makes the users endpoint answer like a vendor outage, or with a body that is not the documented JSON.</summary>
    public void Break(FakeReply reply) => Server.On("GET", "/v1/organizations/users", reply);

    public void Repair() => Server.On("GET", "/v1/organizations/users", _ => UsersReply());

    /// <summary>Runs <paramref name="during"/> each time the users endpoint is read, before it answers as usual.</summary>
    public void WhileUsersAreRead(Action during) => Server.On("GET", "/v1/organizations/users", _ =>
    {
        during();
        return UsersReply();
    });

    private void Play()
    {
        Repair();
        Server.On("GET", "/v1/organizations/invites", _ => FakeReply.Json(JsonEdit.Edit(invitesDoc, n =>
        {
            var template = n["data"]![0]!;
            n["data"] = new JsonArray(Invites.Select(i =>
            {
                var copy = template.DeepClone();
                copy["id"] = "invite_" + Math.Abs(i.Key.GetHashCode(StringComparison.OrdinalIgnoreCase));
                copy["email"] = i.Key;
                copy["status"] = "pending";
                copy["invited_at"] = i.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
                return (JsonNode)copy;
            }).ToArray());
            n["has_more"] = false;
        })));
        Server.On("GET", "/v1/organizations/analytics/users", _ => FakeReply.Json(JsonEdit.Edit(analyticsDoc, n =>
        {
            var template = n["data"]![0]!;
            n["data"] = new JsonArray(Users.Select(u =>
            {
                var copy = template.DeepClone();
                copy["user"]!["id"] = Id(u.Key);
                copy["user"]!["email_address"] = u.Key;
                copy["last_activity_date"] = u.Value.LastActive?.ToString("yyyy-MM-dd");
                return (JsonNode)copy;
            }).ToArray());
            n["next_page"] = null;
        })));
    }

    private FakeReply UsersReply() => FakeReply.Json(JsonEdit.Edit(usersDoc, n =>
    {
        var template = n["data"]![0]!;
        n["data"] = new JsonArray(Users.Select(u =>
        {
            var copy = template.DeepClone();
            copy["id"] = Id(u.Key);
            copy["email"] = u.Key;
            copy["name"] = u.Value.Name;
            return (JsonNode)copy;
        }).ToArray());
        n["has_more"] = false;
    }));

    public static string Id(string email) => "user_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(email.ToLowerInvariant())))[..24];

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
