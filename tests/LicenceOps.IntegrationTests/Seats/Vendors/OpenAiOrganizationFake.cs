using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>
/// An OpenAI organisation played by a <see cref="FakeVendorServer"/> from the documented payloads: its users
/// (<paramref name="members"/>, e-mail → user id) and pending invites (e-mail → invite id) are listed as they stand, and
/// creating an invite adds it.
/// </summary>
internal static class OpenAiOrganizationFake
{
    public static void Play(FakeVendorServer openAi, ConcurrentDictionary<string, string> members, ConcurrentDictionary<string, string> pendingInvites)
    {
        var usersDoc = FakeVendorServer.Fixture("openai_organization_users_list.json");
        var invitesDoc = FakeVendorServer.Fixture("openai_organization_invites_list.json");
        openAi.On("GET", "/v1/organization/users", _ => FakeReply.Json(JsonEdit.Edit(usersDoc, n =>
            n["data"] = new JsonArray(members.Select(m => (JsonNode)new JsonObject
            {
                ["object"] = "organization.user", ["id"] = m.Value, ["name"] = "Member", ["email"] = m.Key, ["role"] = "reader", ["added_at"] = 1711471533,
            }).ToArray()))));
        openAi.On("GET", "/v1/organization/invites", _ => FakeReply.Json(JsonEdit.Edit(invitesDoc, n =>
            n["data"] = new JsonArray(pendingInvites.Select(i => (JsonNode)new JsonObject
            {
                ["object"] = "organization.invite", ["id"] = i.Value, ["email"] = i.Key, ["role"] = "reader", ["status"] = "pending", ["created_at"] = 1711471533,
            }).ToArray()))));
        openAi.On("POST", "/v1/organization/invites", r =>
        {
            var email = r.Json()["email"]!.GetValue<string>();
            pendingInvites[email] = $"invite-{pendingInvites.Count + 1}";
            return FakeReply.Json(JsonEdit.Edit(FakeVendorServer.Fixture("openai_organization_invite_create_response.json"), n =>
            {
                n["id"] = pendingInvites[email];
                n["email"] = email;
            }));
        });
    }
}
