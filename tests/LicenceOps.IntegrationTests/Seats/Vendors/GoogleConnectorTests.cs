using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Google;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>The Google License Manager + Reports connector over HTTP against a loopback fake of Google and its token endpoint.</summary>
public sealed class GoogleConnectorTests
{
    private const string Product = "Google-Drive-storage";
    private const string Sku = "Google-Drive-storage-200GB";
    private const string SkuPath = $"/apps/licensing/v1/product/{Product}/sku/{Sku}";
    private FakeVendorServer server = null!;
    private ServiceProvider services = null!;
    private GoogleConnector connector = null!;
    private VendorAccount account = null!;
    private RSA key = null!;
    private string privateKeyPem = null!;
    private int tokensIssued;

    [SetUp]
    public async Task Start()
    {
        server = await FakeVendorServer.StartAsync();
        services = ConnectorKit.Services();
        connector = services.GetRequiredService<GoogleConnector>();
        key = RSA.Create(2048);
        privateKeyPem = key.ExportPkcs8PrivateKeyPem();
        var tokenUri = new Uri(server.BaseAddress, "token").AbsoluteUri;
        var keyFile = JsonSerializer.Serialize(new { type = "service_account", client_email = "licenceops@project.iam.gserviceaccount.com", private_key = privateKeyPem });
        account = ConnectorKit.Account("google", "google", server.BaseAddress, keyFile, new()
        {
            ["productId"] = Product, ["skuId"] = Sku, ["serviceAccountEmail"] = "unused@project.iam.gserviceaccount.com",
            ["adminEmail"] = "admin@example.com", ["tokenUri"] = tokenUri,
        });
        tokensIssued = 0;
        server.On("POST", "/token", r => VerifiedToken(r, tokenUri));
        var list = FakeVendorServer.Fixture("google_licenseAssignmentList_listForProductAndSku.json");
        var last = JsonEdit.Edit(list, n =>
        {
            n.AsObject().Remove("nextPageToken");
            n["items"]!.AsArray().RemoveAt(1);
            n["items"]![0]!["userId"] = "liz@example.com";
        });
        server.On("GET", $"{SkuPath}/users", Authorized(r => FakeReply.Json(r.QueryValue("pageToken") is null ? list : last)));
        var reports = FakeVendorServer.Fixture("google_reports_usage_users.json");
        var lastReports = JsonEdit.Edit(reports, n =>
        {
            n.AsObject().Remove("nextPageToken");
            n["usageReports"]![0]!["entity"]!["userEmail"] = "alex@example.com";
            n["usageReports"]![0]!["parameters"]![7]!["datetimeValue"] = "2026-11-20T08:15:00.000Z";
        });
        server.On("GET", "/admin/reports/v1/usage/users/all/dates/" + DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3).ToString("yyyy-MM-dd"),
            Authorized(r => FakeReply.Json(r.QueryValue("pageToken") is null ? reports : lastReports)));
    }

    [TearDown]
    public async Task Stop()
    {
        key.Dispose();
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    /// <summary>Checks the JWT assertion the way Google does: RS256 signature with the service account key, claims, audience.</summary>
    private FakeReply VerifiedToken(RecordedRequest request, string tokenUri)
    {
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.Body);
        Assert.That(form["grant_type"].ToString(), Is.EqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer"));
        var parts = form["assertion"].ToString().Split('.');
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        Assert.That(key.VerifyData(signed, FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.True, "RS256 signature");
        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        Assert.That(claims.RootElement.GetProperty("iss").GetString(), Is.EqualTo("licenceops@project.iam.gserviceaccount.com"));
        Assert.That(claims.RootElement.GetProperty("sub").GetString(), Is.EqualTo("admin@example.com"));
        Assert.That(claims.RootElement.GetProperty("aud").GetString(), Is.EqualTo(tokenUri));
        Assert.That(claims.RootElement.GetProperty("scope").GetString(), Does.Contain("apps.licensing"));
        return FakeReply.Json($$"""{"access_token":"ya29.token-{{Interlocked.Increment(ref tokensIssued)}}","expires_in":3599,"token_type":"Bearer"}""");
    }

    private Func<RecordedRequest, FakeReply> Authorized(Func<RecordedRequest, FakeReply> reply) => r =>
        r.Header("authorization") == $"Bearer ya29.token-{tokensIssued}" ? reply(r) : FakeReply.Code(401, """{"error":{"code":401,"message":"Invalid Credentials"}}""");

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    [Test]
    public async Task Assignments_are_read_over_nextPageToken_pages_with_last_login_and_1970_meaning_never()
    {
        var list = ConnectorKit.Read(await connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(list.Members.Select(m => m.Email), Is.EquivalentTo(new[] { "alex@example.com", "mary@example.com", "liz@example.com" }));
        Assert.That(list.Members.Single(m => m.Email == "alex@example.com").LastActiveOn, Is.EqualTo(new DateOnly(2026, 11, 20)));
        Assert.That(list.Members.Single(m => m.Email == "liz@example.com").LastActiveOn, Is.Null, "last_login_time 1970-01-01 is never");
        var pages = server.To("GET", $"{SkuPath}/users");
        Assert.That(pages, Has.Count.EqualTo(2));
        Assert.That(pages[1].QueryValue("pageToken"), Is.EqualTo("next page token's value"));
        Assert.That(pages[0].QueryValue("customerId"), Is.EqualTo("example.com"));
    }

    [Test]
    public async Task An_expired_token_is_renewed_and_throttling_is_retried()
    {
        await connector.TestAsync(account, CancellationToken.None);
        Interlocked.Increment(ref tokensIssued);
        server.Once("GET", $"{SkuPath}/users", FakeReply.TooManyRequests(1));
        server.Once("GET", $"{SkuPath}/users", FakeReply.Code(503));

        var test = ConnectorKit.Read(await connector.TestAsync(account, CancellationToken.None));

        Assert.That(test, Does.Contain("reachable"));
        Assert.That(server.To("POST", "/token"), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Insert_assigns_the_licence_and_delete_treats_404_as_done()
    {
        server.On("GET", $"{SkuPath}/user/new@example.com", Authorized(_ => FakeReply.Code(404, """{"error":{"code":404,"message":"User does not have a license"}}""")));
        server.On("POST", $"{SkuPath}/user", Authorized(_ => FakeReply.Json(JsonEdit.Edit(
            FakeVendorServer.Fixture("google_licenseAssignment_insert_response.json"), n => n["userId"] = "new@example.com"))));
        server.On("DELETE", $"{SkuPath}/user/gone@example.com", Authorized(_ => FakeReply.Code(404, """{"error":{"code":404,"message":"Not found"}}""")));

        var assigned = (ConnectorResult.Done)await connector.InviteAsync(ConnectorKit.Member(account, "new@example.com"), null!, CancellationToken.None);
        var gone = (ConnectorResult.Done)await connector.RevokeAsync(ConnectorKit.Member(account, "gone@example.com"), null!, CancellationToken.None);

        Assert.That(server.To("POST", $"{SkuPath}/user").Single().Json()["userId"]!.GetValue<string>(), Is.EqualTo("new@example.com"));
        Assert.That(assigned.DoneBy, Does.Contain("assigned to new@example.com"));
        Assert.That(gone.DoneBy, Does.Contain("already gone"));
    }

    [Test]
    public void A_malformed_list_fails_naming_the_call()
    {
        server.On("GET", $"{SkuPath}/users", Authorized(_ => FakeReply.Json(FakeVendorServer.Fixture("google_licenseAssignmentList_listForProductAndSku.json")[..200])));

        var error = Assert.ThrowsAsync<VendorConnectorException>(() => connector.ListMembersAsync(account, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("Google GET licensing/v1 listForProductAndSku").And.Contain("not the documented JSON"));
        Assert.That(error.Message, Does.Not.Contain("PRIVATE KEY"));
    }
}
