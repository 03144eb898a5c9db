using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Graph;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>The Microsoft Graph connector (Copilot licences) over HTTP against a loopback fake of Graph and its token endpoint.</summary>
public sealed class GraphConnectorTests
{
    private const string ClientSecret = "graph-client-secret-TESTSECRET~xyz";
    private const string SkuId = "c7df2760-2c81-4ef7-b578-5b5392b571df";
    private const string Directory = "11111111-2222-3333-4444-555555555555";
    private FakeVendorServer server = null!;
    private ServiceProvider services = null!;
    private GraphConnector connector = null!;
    private VendorAccount account = null!;
    private int tokensIssued;

    [SetUp]
    public async Task Start()
    {
        server = await FakeVendorServer.StartAsync();
        services = ConnectorKit.Services();
        connector = services.GetRequiredService<GraphConnector>();
        account = Account("v1csv");
        tokensIssued = 0;
        server.On("POST", $"/{Directory}/oauth2/v2.0/token", _ =>
            FakeReply.Json($$"""{"token_type":"Bearer","expires_in":3599,"access_token":"token-{{Interlocked.Increment(ref tokensIssued)}}"}"""));
        server.On("GET", "/v1.0/subscribedSkus", Authorized(_ => FakeReply.Json(FakeVendorServer.Fixture("graph_subscribedSkus.json"))));
        // Two pages: the documented example with a nextLink added (absolute, as Graph gives it), then a last page.
        var users = FakeVendorServer.Fixture("graph_users_assignedLicenses.json");
        var first = JsonEdit.Edit(users, n => n["@odata.nextLink"] = new Uri(server.BaseAddress, "v1.0/users?$skiptoken=page2").AbsoluteUri);
        var second = JsonEdit.Edit(users, n =>
        {
            n["value"]!.AsArray().RemoveAt(1);
            n["value"]![0]!["id"] = "9b5f5e8a-0000-0000-0000-000000000003";
            n["value"]![0]!["mail"] = "AdeleV@contoso.com";
        });
        server.On("GET", "/v1.0/users", Authorized(r => FakeReply.Json(r.QueryValue("$skiptoken") == "page2" ? second : first)));
        var csv = FakeVendorServer.Fixture("graph_copilotUsageUserDetail_v1.csv");
        var lines = csv.TrimEnd().Split('\n');
        // The documented row (hashed name, empty = never) plus two readable rows in the same columns.
        var usage = string.Join('\n', lines[0], lines[1],
            "2026-07-03,admin@contoso.com,Admin,2026-07-01,2026-07-01,,,,,,,,7",
            "2026-07-03,DebraB@contoso.com,Debra,,,,,,,,,,7");
        server.On("GET", "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')", Authorized(_ => new FakeReply(200, usage, "text/csv")));
        server.On("GET", "/beta/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')",
            Authorized(_ => FakeReply.Json(FakeVendorServer.Fixture("graph_copilotUsageUserDetail_beta.json"))));
    }

    [TearDown]
    public async Task Stop()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    private VendorAccount Account(string usageReport) => ConnectorKit.Account("microsoft", "graph", server.BaseAddress, ClientSecret, new()
    {
        ["directoryTenantId"] = Directory, ["clientId"] = "app-client-id", ["skuId"] = SkuId,
        ["authority"] = server.BaseAddress.AbsoluteUri, ["usageReport"] = usageReport,
    });

    /// <summary>Graph answers 401 unless the bearer is the latest token issued (an older one has expired).</summary>
    private Func<RecordedRequest, FakeReply> Authorized(Func<RecordedRequest, FakeReply> reply) => r =>
        r.Header("authorization") == $"Bearer token-{tokensIssued}"
            ? reply(r)
            : FakeReply.Code(401, """{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}""");

    [Test]
    public async Task Purchased_and_consumed_units_come_from_subscribedSkus_with_a_client_credentials_token()
    {
        var quantity = ConnectorKit.Read(await connector.ReadPurchasedQuantityAsync(account, CancellationToken.None));

        Assert.That(quantity, Is.EqualTo(new VendorQuantity(25, 14)));
        var login = server.To("POST", $"/{Directory}/oauth2/v2.0/token").Single();
        Assert.That(login.Body, Does.Contain("grant_type=client_credentials").And.Contain("client_id=app-client-id")
            .And.Contain("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"));
    }

    [Test]
    public async Task Members_holding_the_SKU_are_read_across_nextLink_pages_with_Copilot_activity_empty_meaning_never()
    {
        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.Members.Select(m => m.Email), Is.EquivalentTo(new[] { "admin@contoso.com", "DebraB@contoso.com", "AdeleV@contoso.com" }));
        Assert.That(list.Members.Single(m => m.Email == "admin@contoso.com").LastActiveOn, Is.EqualTo(new DateOnly(2026, 7, 1)));
        Assert.That(list.Members.Single(m => m.Email == "DebraB@contoso.com").LastActiveOn, Is.Null, "an empty Last Activity Date is never");
        Assert.That(list.ReportsActivity, Is.True);
        var first = server.To("GET", "/v1.0/users").First();
        Assert.That(Uri.UnescapeDataString(first.Query), Does.Contain($"assignedLicenses/any(x:x/skuId eq {SkuId})"));
        Assert.That(server.To("GET", "/v1.0/users"), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_members_start_is_the_assignment_of_the_SKUs_plans_else_the_accounts_creation()
    {
        // The documented users with the fields Graph adds when selected: assignedPlans (one of the SKU's plans, per
        // subscribedSkus, and another SKU's plan) for the admin, only createdDateTime for Debra, neither for Adele.
        var users = JsonEdit.Edit(FakeVendorServer.Fixture("graph_users_assignedLicenses.json"), n =>
        {
            n["value"]![0]!["createdDateTime"] = "2024-01-15T08:00:00Z";
            n["value"]![0]!["assignedPlans"] = System.Text.Json.Nodes.JsonNode.Parse("""
                [{"assignedDateTime":"2026-03-02T09:30:00Z","capabilityStatus":"Enabled","service":"Adallom","servicePlanId":"8c098270-9dd4-4350-9b30-ba4703f3b36b"},
                 {"assignedDateTime":"2025-01-01T00:00:00Z","capabilityStatus":"Enabled","service":"CRM","servicePlanId":"f9646fb2-e3b2-4309-95de-dc4833737456"}]
                """);
            n["value"]![1]!["createdDateTime"] = "2025-05-06T12:00:00Z";
        });
        server.On("GET", "/v1.0/users", Authorized(_ => FakeReply.Json(users)));

        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.Members.Single(m => m.Email == "admin@contoso.com").JoinedOn, Is.EqualTo(new DateOnly(2026, 3, 2)), "the SKU's plan, not the older CRM one");
        Assert.That(list.Members.Single(m => m.Email == "DebraB@contoso.com").JoinedOn, Is.EqualTo(new DateOnly(2025, 5, 6)));
        Assert.That(Uri.UnescapeDataString(server.To("GET", "/v1.0/users").Last().Query), Does.Contain("assignedPlans,createdDateTime"));
    }

    [Test]
    public async Task The_beta_JSON_report_with_concealed_names_is_flagged_instead_of_matched()
    {
        var beta = Account("betajson");

        var usage = ConnectorKit.Read(await connector.ReadUsageAsync(beta, default, default, CancellationToken.None));
        var list = ConnectorKit.Read(await connector.ListMembersAsync(beta, CancellationToken.None));

        Assert.That(usage.Single().LastActiveOn, Is.EqualTo(new DateOnly(2025, 8, 20)));
        Assert.That(list.ReportsActivity, Is.False);
        Assert.That(list.Notes.Single(), Does.Contain("conceals user names"));
        Assert.That(list.Members.All(m => m.LastActiveOn is null));
    }

    [Test]
    public void Both_report_forms_treat_empty_and_null_as_never()
    {
        var rows = GraphConnector.ParseUsageCsv(
            "Report Refresh Date,User Principal Name,Display Name,Last Activity Date\n2026-07-03,a@x.com,A,\n2026-07-03,b@x.com,B,2026-07-02\n", "test");
        Assert.That(rows.Select(r => r.LastActiveOn), Is.EqualTo(new DateOnly?[] { null, new DateOnly(2026, 7, 2) }));
    }

    [Test]
    public async Task An_expired_token_is_renewed_once_and_the_call_succeeds()
    {
        await connector.ReadPurchasedQuantityAsync(account, CancellationToken.None);
        // The directory revokes/expires token-1: the fake now only accepts a newer token.
        Interlocked.Increment(ref tokensIssued);

        var quantity = ConnectorKit.Read(await connector.ReadPurchasedQuantityAsync(account, CancellationToken.None));

        Assert.That(quantity.Purchased, Is.EqualTo(25));
        Assert.That(server.To("POST", $"/{Directory}/oauth2/v2.0/token"), Has.Count.EqualTo(2), "one login, one renewal after the 401");
    }

    [Test]
    public async Task Assign_adds_the_SKU_and_removal_removes_it_with_404_meaning_done()
    {
        server.On("POST", "/v1.0/users/joiner@contoso.com/assignLicense", Authorized(_ => FakeReply.Json("""{"id":"u1"}""")));
        server.On("GET", "/v1.0/users/leaver@contoso.com", Authorized(_ => FakeReply.Json(
            $$"""{"id":"u2","mail":"leaver@contoso.com","accountEnabled":true,"assignedLicenses":[{"disabledPlans":[],"skuId":"{{SkuId}}"}]}""")));
        server.On("POST", "/v1.0/users/leaver@contoso.com/assignLicense", Authorized(_ => FakeReply.Json("""{"id":"u2"}""")));
        server.On("GET", "/v1.0/users/gone@contoso.com", Authorized(_ => FakeReply.Code(404,
            """{"error":{"code":"Request_ResourceNotFound","message":"Resource 'gone@contoso.com' does not exist."}}""")));

        var assigned = (ConnectorResult.Done)await connector.InviteAsync(ConnectorKit.Member(account, "joiner@contoso.com"), null!, CancellationToken.None);
        var removed = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, "leaver@contoso.com"), null!, CancellationToken.None);
        var gone = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, "gone@contoso.com"), null!, CancellationToken.None);

        Assert.That(assigned.DoneBy, Does.Contain("assigned"));
        // Same body shape as the documented request (addLicenses with skuId/disabledPlans, removeLicenses).
        var add = server.To("POST", "/v1.0/users/joiner@contoso.com/assignLicense").Single().Json();
        Assert.That(add["addLicenses"]![0]!["skuId"]!.GetValue<string>(), Is.EqualTo(SkuId));
        Assert.That(add["removeLicenses"]!.AsArray(), Is.Empty);
        var remove = server.To("POST", "/v1.0/users/leaver@contoso.com/assignLicense").Single().Json();
        Assert.That(remove["removeLicenses"]![0]!.GetValue<string>(), Is.EqualTo(SkuId));
        Assert.That(removed.DoneBy, Does.Contain("removed"));
        Assert.That(gone.DoneBy, Does.Contain("gone"));
    }

    [Test]
    public void Assigning_to_a_user_missing_from_the_directory_fails_with_the_reason()
    {
        server.On("POST", "/v1.0/users/nobody@contoso.com/assignLicense", Authorized(_ => FakeReply.Code(404, """{"error":{"message":"not found"}}""")));

        var error = Assert.ThrowsAsync<VendorConnectorException>(() =>
            connector.InviteAsync(ConnectorKit.Member(account, "nobody@contoso.com"), null!, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("Graph POST /v1.0/users/{id}/assignLicense").And.Contain("no user nobody@contoso.com"));
    }

    [Test]
    public async Task Throttling_and_server_errors_are_retried_and_a_malformed_page_fails_naming_the_call()
    {
        server.Once("GET", "/v1.0/subscribedSkus", FakeReply.TooManyRequests(1));
        server.Once("GET", "/v1.0/subscribedSkus", FakeReply.Code(500));
        Assert.That(ConnectorKit.Read(await connector.ReadPurchasedQuantityAsync(account, CancellationToken.None)).Purchased, Is.EqualTo(25));

        server.Once("GET", "/v1.0/subscribedSkus", FakeReply.Json("""{"value":[{"skuId":"x","prepaidUnits":{}}]}"""));
        var error = Assert.ThrowsAsync<VendorConnectorException>(() => connector.ReadPurchasedQuantityAsync(account, CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("Graph GET /v1.0/subscribedSkus").And.Contain("not the documented JSON"));
        Assert.That(error.Message, Does.Not.Contain(ClientSecret));
    }
}
