using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Scim;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>The generic SCIM 2.0 connector over HTTP against a loopback fake replaying RFC 7644 and Entra examples.</summary>
public sealed class ScimConnectorTests
{
    private const string Token = "scim-bearer-TESTSECRET-token";
    private FakeVendorServer server = null!;
    private ServiceProvider services = null!;
    private ScimConnector connector = null!;
    private VendorAccount account = null!;

    [SetUp]
    public async Task Start()
    {
        server = await FakeVendorServer.StartAsync();
        services = ConnectorKit.Services();
        connector = services.GetRequiredService<ScimConnector>();
        account = ConnectorKit.Account("perplexity", "scim", new Uri(server.BaseAddress, "scim/v2"), Token);
        var filtered = FakeVendorServer.Fixture("scim_users_filter_response_entra.json");
        var zero = FakeVendorServer.Fixture("scim_users_filter_zero_results_entra.json");
        // RFC 7644 example has two users and totalResults 2: served one per page to exercise startIndex/count.
        var list = FakeVendorServer.Fixture("scim_users_list_rfc7644.json");
        var page1 = JsonEdit.Edit(list, n => n["Resources"]!.AsArray().RemoveAt(1));
        var page2 = JsonEdit.Edit(list, n => n["Resources"]!.AsArray().RemoveAt(0));
        server.On("GET", "/scim/v2/Users", r =>
        {
            if (r.QueryValue("filter") is { } filter)
            {
                return FakeReply.Json(filter.Contains("Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee") ? filtered : zero);
            }
            return FakeReply.Json(r.QueryValue("startIndex") == "1" ? page1 : page2);
        });
    }

    [TearDown]
    public async Task Stop()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    [Test]
    public async Task Users_are_listed_with_startIndex_and_count_to_totalResults()
    {
        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.Members.Select(m => m.Email), Is.EqualTo(new[] { "bjensen", "jsmith" }));
        var pages = server.To("GET", "/scim/v2/Users");
        Assert.That(pages.Select(p => p.QueryValue("startIndex")), Is.EqualTo(new[] { "1", "2" }));
        Assert.That(pages.All(p => p.Header("authorization") == $"Bearer {Token}"));
    }

    [Test]
    public async Task Deactivation_patches_active_false_and_404_or_no_match_means_gone()
    {
        const string user = "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee";
        server.On("PATCH", "/scim/v2/Users/2441309d85324e7793ae", r =>
        {
            // Accept the op in any case, as Entra sends "Replace" and the RFC writes "replace".
            var op = r.Json()["Operations"]![0]!;
            return string.Equals(op["op"]!.GetValue<string>(), "replace", StringComparison.OrdinalIgnoreCase)
                   && op["path"]!.GetValue<string>() == "active" && op["value"]!.GetValue<bool>() == false
                ? FakeReply.Json(FakeVendorServer.Fixture("scim_patch_disable_user_response_entra.json"))
                : FakeReply.Code(400, """{"detail":"unexpected patch"}""");
        });

        var deactivated = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, user), null!, CancellationToken.None);
        var unknown = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, "nobody@example.com"), null!, CancellationToken.None);
        server.On("PATCH", "/scim/v2/Users/2441309d85324e7793ae", FakeReply.Code(404, FakeVendorServer.Fixture("scim_error_404_entra.json")));
        var gone = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, user), null!, CancellationToken.None);

        Assert.That(deactivated.DoneBy, Does.Contain("deactivated"));
        Assert.That(unknown.DoneBy, Does.Contain("gone"));
        Assert.That(gone.DoneBy, Does.Contain("gone"));
        Assert.That(Uri.UnescapeDataString(server.To("GET", "/scim/v2/Users")[0].Query), Does.Contain($"userName eq \"{user}\""));
    }

    [Test]
    public async Task Provisioning_creates_an_unknown_user_and_a_500_then_success_is_retried()
    {
        server.Once("POST", "/scim/v2/Users", FakeReply.Code(500));
        server.On("POST", "/scim/v2/Users", FakeReply.Json(FakeVendorServer.Fixture("scim_patch_disable_user_response_entra.json"), 201));

        var created = (ConnectorResult.Done)await connector.InviteAsync(ConnectorKit.Member(account, "new@example.com", "Ada Lovelace"), null!, CancellationToken.None);

        Assert.That(created.DoneBy, Does.Contain("provisioned"));
        var posts = server.To("POST", "/scim/v2/Users");
        Assert.That(posts, Has.Count.EqualTo(2));
        Assert.That(posts[1].Json()["userName"]!.GetValue<string>(), Is.EqualTo("new@example.com"));
        Assert.That(posts[1].Json()["name"]!["familyName"]!.GetValue<string>(), Is.EqualTo("Lovelace"));
    }

    [Test]
    public void A_list_response_without_Resources_fails_naming_the_call()
    {
        server.Once("GET", "/scim/v2/Users", FakeReply.Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3}"""));

        var error = Assert.ThrowsAsync<VendorConnectorException>(() => connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("SCIM GET /Users").And.Contain("not the documented JSON"));
    }
}
