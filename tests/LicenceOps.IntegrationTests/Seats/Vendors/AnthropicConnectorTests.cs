using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Anthropic;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>The Anthropic Admin API connector over HTTP against a loopback fake replaying the documented payloads.</summary>
public sealed class AnthropicConnectorTests
{
    private const string Key = "sk-ant-admin01-TESTSECRET-anthropic";
    private FakeVendorServer server = null!;
    private ServiceProvider services = null!;
    private AnthropicConnector connector = null!;
    private VendorAccount account = null!;

    [SetUp]
    public async Task Start()
    {
        server = await FakeVendorServer.StartAsync();
        services = ConnectorKit.Services();
        connector = services.GetRequiredService<AnthropicConnector>();
        account = ConnectorKit.Account("anthropic", "anthropic", server.BaseAddress, Key);
        // The documented page says has_more with last_id "last_id": the second page is asked with after_id=last_id.
        var users = FakeVendorServer.Fixture("anthropic_users_list.json");
        var second = JsonEdit.Edit(users, n =>
        {
            n["data"]![0]!["id"] = "user_02";
            n["data"]![0]!["email"] = "second@emaildomain.com";
            n["has_more"] = false;
        });
        server.On("GET", "/v1/organizations/users", r => FakeReply.Json(r.QueryValue("after_id") == "last_id" ? second : users));
        var invites = FakeVendorServer.Fixture("anthropic_invites_list.json");
        var invitesEnd = JsonEdit.Edit(invites, n => { n["data"] = new System.Text.Json.Nodes.JsonArray(); n["has_more"] = false; });
        server.On("GET", "/v1/organizations/invites", r => FakeReply.Json(r.QueryValue("after_id") == "last_id" ? invitesEnd : invites));
        // Anthropic's example holds placeholder strings: the scenario puts a real user and date in the same shape.
        var analytics = JsonEdit.Edit(FakeVendorServer.Fixture("anthropic_analytics_users.json"), n =>
        {
            n["data"]![0]!["last_activity_date"] = "2026-11-20";
            n["data"]![0]!["user"]!["email_address"] = "user@emaildomain.com";
            n["next_page"] = null;
        });
        server.On("GET", "/v1/organizations/analytics/users", FakeReply.Json(analytics));
    }

    [TearDown]
    public async Task Stop()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    [Test]
    public async Task Members_are_read_over_every_page_with_invites_and_last_activity_from_analytics()
    {
        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        var user = list.Members.Single(m => m.Email == "user@emaildomain.com" && m.Status == VendorMemberStatuses.Active);
        Assert.That(user.LastActiveOn, Is.EqualTo(new DateOnly(2026, 11, 20)));
        Assert.That(user.JoinedOn, Is.EqualTo(new DateOnly(2024, 10, 30)));
        Assert.That(list.Members.Single(m => m.Email == "second@emaildomain.com").LastActiveOn, Is.Null, "not in the analytics report");
        Assert.That(list.ReportsActivity, Is.True);
        Assert.That(server.To("GET", "/v1/organizations/users"), Has.Count.EqualTo(2));
        var call = server.Requests.First();
        Assert.That(call.Header("x-api-key"), Is.EqualTo(Key));
        Assert.That(call.Header("anthropic-version"), Is.EqualTo("2023-06-01"));
        Assert.That(server.To("GET", "/v1/organizations/analytics/users").Single().QueryValue("date"), Is.Not.Null);
    }

    [Test]
    public async Task Without_analytics_on_the_plan_members_are_still_listed_and_activity_is_reported_unavailable()
    {
        server.On("GET", "/v1/organizations/analytics/users", FakeReply.Code(404, FakeVendorServer.Fixture("anthropic_error_not_found.json")));

        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.ReportsActivity, Is.False);
        Assert.That(list.Notes.Single(), Does.Contain("Claude Enterprise"));
        Assert.That(list.Members, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_429_with_Retry_After_and_a_500_are_both_retried()
    {
        server.Once("GET", "/v1/organizations/users", FakeReply.TooManyRequests(1));
        server.Once("GET", "/v1/organizations/invites", FakeReply.Code(500, """{"type":"error","error":{"type":"api_error","message":"Internal"}}"""));

        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.Members.Select(m => m.Email), Does.Contain("second@emaildomain.com"));
        Assert.That(server.To("GET", "/v1/organizations/users"), Has.Count.EqualTo(3));
    }

    [Test]
    public void A_malformed_analytics_date_fails_naming_the_call()
    {
        server.On("GET", "/v1/organizations/analytics/users", FakeReply.Json(FakeVendorServer.Fixture("anthropic_analytics_users.json")));

        var error = Assert.ThrowsAsync<VendorConnectorException>(() => connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("Anthropic GET /v1/organizations/analytics/users").And.Contain("not the documented JSON"));
    }

    [Test]
    public async Task Invite_creates_an_invite_and_removal_treats_404_as_gone()
    {
        server.On("POST", "/v1/organizations/invites", FakeReply.Json(FakeVendorServer.Fixture("anthropic_invite_create_response.json")));
        server.On("DELETE", "/v1/organizations/users/user_02", FakeReply.Code(404, FakeVendorServer.Fixture("anthropic_error_not_found.json")));
        server.On("DELETE", "/v1/organizations/users/user_01WCz1FkmYMm4gnmykNKUu3Q", FakeReply.Json(FakeVendorServer.Fixture("anthropic_user_delete_response.json")));

        var invited = (ConnectorResult.Done)await connector.InviteAsync(ConnectorKit.Member(account, "joiner@emaildomain.com"), null!, CancellationToken.None);
        var gone = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, "second@emaildomain.com"), null!, CancellationToken.None);

        Assert.That(invited.DoneBy, Does.Contain("invite_015gWxCN9Hfg2QhZwTK7Mdeu"));
        var post = server.To("POST", "/v1/organizations/invites").Single().Json();
        Assert.That(post["email"]!.GetValue<string>(), Is.EqualTo("joiner@emaildomain.com"));
        Assert.That(post["role"]!.GetValue<string>(), Is.EqualTo("user"));
        Assert.That(gone.DoneBy, Does.Contain("already gone"));
    }
}
