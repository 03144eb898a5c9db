using System.Diagnostics;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.OpenAi;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>The OpenAI Admin API connector over HTTP against a loopback fake replaying the documented payloads.</summary>
public sealed class OpenAiConnectorTests
{
    private const string Key = "sk-admin-TESTSECRET-openai-0123456789";
    private FakeVendorServer server = null!;
    private ServiceProvider services = null!;
    private OpenAiConnector connector = null!;
    private VendorAccount account = null!;

    [SetUp]
    public async Task Start()
    {
        server = await FakeVendorServer.StartAsync();
        services = ConnectorKit.Services();
        connector = services.GetRequiredService<OpenAiConnector>();
        account = ConnectorKit.Account("openai", "openai", server.BaseAddress, Key);
        // Two pages of users: the documented example, then the same shape with another user and has_more false.
        var users = FakeVendorServer.Fixture("openai_organization_users_list.json");
        var first = JsonEdit.Edit(users, n => { n["has_more"] = true; n["last_id"] = "user_abc"; });
        var second = JsonEdit.Edit(users, n =>
        {
            n["data"]![0]!["id"] = "user_def";
            n["data"]![0]!["email"] = "second@example.com";
            n["data"]![0]!["role"] = "reader";
            n["first_id"] = "user_def";
            n["last_id"] = "user_def";
        });
        server.On("GET", "/v1/organization/users", r => FakeReply.Json(r.QueryValue("after") == "user_abc" ? second : first));
        var invites = JsonEdit.Edit(FakeVendorServer.Fixture("openai_organization_invites_list.json"), n =>
        {
            n["data"]![0]!["status"] = "pending";
            n["data"]![0]!["email"] = "invited@example.com";
        });
        server.On("GET", "/v1/organization/invites", FakeReply.Json(invites));
    }

    [TearDown]
    public async Task Stop()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    [Test]
    public async Task Members_are_read_to_the_last_page_with_pending_invites_and_the_admin_key()
    {
        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.Members.Select(m => (m.Email, m.Status)), Is.EquivalentTo(new[]
        {
            ("user@example.com", VendorMemberStatuses.Active), ("second@example.com", VendorMemberStatuses.Active),
            ("invited@example.com", VendorMemberStatuses.Invited),
        }));
        var owner = list.Members.Single(m => m.Email == "user@example.com");
        Assert.That(owner.ExternalId, Is.EqualTo("user_abc"));
        Assert.That(owner.JoinedOn, Is.EqualTo(new DateOnly(2024, 3, 26)), "added_at 1711471533 is the start date");
        Assert.That(list.ReportsActivity, Is.False);
        var calls = server.To("GET", "/v1/organization/users");
        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(calls[1].QueryValue("after"), Is.EqualTo("user_abc"));
        Assert.That(calls.All(c => c.Header("authorization") == $"Bearer {Key}"));
    }

    [Test]
    public async Task A_429_is_retried_after_the_Retry_After_delay()
    {
        server.Once("GET", "/v1/organization/users", FakeReply.TooManyRequests(1));
        var clock = Stopwatch.StartNew();

        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.Members, Has.Count.EqualTo(3));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "Retry-After: 1 was honoured");
        Assert.That(server.To("GET", "/v1/organization/users"), Has.Count.EqualTo(3), "429, then both pages");
    }

    [Test]
    public async Task A_500_then_success_reads_normally()
    {
        server.Once("GET", "/v1/organization/invites", FakeReply.Code(500, """{"error":{"message":"internal"}}"""));

        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.Members.Select(m => m.Email), Does.Contain("invited@example.com"));
        Assert.That(server.To("GET", "/v1/organization/invites"), Has.Count.EqualTo(2));
    }

    [Test]
    public void A_malformed_body_fails_naming_the_call()
    {
        server.Once("GET", "/v1/organization/users", FakeReply.Json("""{"object":"list","data":[{"id":"user_x"}""" ));

        var error = Assert.ThrowsAsync<VendorConnectorException>(() => connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("OpenAI GET /v1/organization/users").And.Contain("not the documented JSON"));
        Assert.That(error.Message, Does.Not.Contain(Key));
    }

    [Test]
    public void A_vendor_that_stays_down_fails_after_bounded_retries_with_the_vendor_reason()
    {
        server.On("GET", "/v1/organization/users", FakeReply.Code(503, """{"error":{"message":"The server is overloaded"}}"""));

        var error = Assert.ThrowsAsync<VendorConnectorException>(() => connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("OpenAI GET /v1/organization/users failed: HTTP 503").And.Contain("The server is overloaded"));
        Assert.That(server.To("GET", "/v1/organization/users"), Has.Count.EqualTo(4), "one attempt and three retries");
    }

    [Test]
    public async Task Invite_posts_the_email_with_the_reader_role_and_is_not_repeated_for_a_member()
    {
        server.On("POST", "/v1/organization/invites", FakeReply.Json(FakeVendorServer.Fixture("openai_organization_invite_create_response.json")));

        var done = await connector.InviteAsync(ConnectorKit.Member(account, "new@example.com"), null!, CancellationToken.None);
        var again = await connector.InviteAsync(ConnectorKit.Member(account, "SECOND@example.com"), null!, CancellationToken.None);

        Assert.That(done, Is.InstanceOf<ConnectorResult.Done>());
        Assert.That(((ConnectorResult.Done)done).DoneBy, Does.Contain("invite-def"));
        var post = server.To("POST", "/v1/organization/invites").Single();
        Assert.That(post.Json()["email"]!.GetValue<string>(), Is.EqualTo("new@example.com"));
        Assert.That(post.Json()["role"]!.GetValue<string>(), Is.EqualTo("reader"));
        Assert.That(((ConnectorResult.Done)again).DoneBy, Does.Contain("already a member"));
    }

    [Test]
    public async Task Removal_deletes_the_user_and_a_404_counts_as_already_done()
    {
        server.On("DELETE", "/v1/organization/users/user_abc", FakeReply.Json(FakeVendorServer.Fixture("openai_organization_user_delete_response.json")));
        server.On("DELETE", "/v1/organization/invites/invite-abc", FakeReply.Code(404, """{"error":{"message":"No such invite"}}"""));

        var removed = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, "user@example.com"), null!, CancellationToken.None);
        var gone = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, "invited@example.com"), null!, CancellationToken.None);

        Assert.That(removed.DoneBy, Does.Contain("user user_abc removed"));
        Assert.That(gone.DoneBy, Does.Contain("already gone"));
        Assert.That(server.To("DELETE", "/v1/organization/invites/invite-abc"), Has.Count.EqualTo(1), "a 404 is not retried");
    }
}
