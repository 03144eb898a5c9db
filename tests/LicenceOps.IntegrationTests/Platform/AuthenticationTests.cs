using System.Net;
using System.Net.Http.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Platform;

public sealed class AuthenticationTests
{
    private LicenceOpsFactory factory = null!;

    [OneTimeSetUp]
    public void Start() => factory = new LicenceOpsFactory();

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    [Test]
    public async Task Seeded_admin_gets_a_bearer_token_that_opens_the_api()
    {
        var client = factory.AnonymousClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = LicenceOpsFactory.AdminEmail, password = LicenceOpsFactory.AdminPassword });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.That(body!.Keys, Is.SupersetOf(new[] { "access_token", "expires_in" }));

        using var admin = await factory.StaffClientAsync();
        var me = await admin.GetFromJsonAsync<Dictionary<string, object>>("/api/users/me");
        Assert.That(me!["role"].ToString(), Is.EqualTo(Roles.StaffAdmin));
    }

    [Test]
    public async Task Wrong_password_is_401_problem()
    {
        var response = await factory.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { email = LicenceOpsFactory.AdminEmail, password = "not-the-password" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Api_without_token_is_401()
    {
        var response = await factory.AnonymousClient().GetAsync("/api/users/me");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
