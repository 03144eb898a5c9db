using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Platform;

public sealed class UserAdministrationTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        admin = await factory.StaffClientAsync();
        await factory.EnsureIdentityKnowsTenantAsync(DemoData.AcmeTenantId);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        admin.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task Staff_admin_creates_a_client_user_whose_token_carries_the_tenant()
    {
        var email = $"new-{Guid.NewGuid():N}@acme-conseil.fr";
        var created = await admin.PostAsJsonAsync("/api/users", new
        {
            email,
            displayName = "Nouvelle Personne",
            role = Roles.ClientViewer,
            tenantId = DemoData.AcmeTenantId,
            password = "a-long-enough-password",
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        using var client = await factory.SignedInClientAsync(email, "a-long-enough-password");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/users/me");
        Assert.That(me.GetProperty("tenantId").GetGuid(), Is.EqualTo(DemoData.AcmeTenantId));
        Assert.That(me.GetProperty("role").GetString(), Is.EqualTo(Roles.ClientViewer));
    }

    [Test]
    public async Task Invalid_user_is_rejected_with_field_errors_and_nothing_is_created()
    {
        var before = await CountUsersAsync();

        var response = await admin.PostAsJsonAsync("/api/users", new { email = "not-an-email", displayName = "", role = Roles.ClientAdmin, password = "short" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name);
        Assert.That(fields, Is.SupersetOf(new[] { "email", "displayName", "tenantId", "password" }));
        Assert.That(await CountUsersAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Malformed_json_is_a_400_problem_not_a_500()
    {
        using var content = new StringContent("{\"email\": ", System.Text.Encoding.UTF8, "application/json");
        var response = await admin.PostAsync("/api/users", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Duplicate_email_is_a_conflict()
    {
        var response = await admin.PostAsJsonAsync("/api/users", new
        {
            email = LicenceOpsFactory.AdminEmail.ToUpperInvariant(),
            displayName = "Twin",
            role = Roles.StaffAgent,
            password = "a-long-enough-password",
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Client_users_and_non_admin_staff_cannot_manage_users()
    {
        using var client = await factory.ClientUserAsync(DemoData.AcmeTenantId);
        using var agent = await factory.StaffClientAsync(Roles.StaffAgent);

        Assert.That((await client.GetAsync("/api/users")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await agent.GetAsync("/api/users")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_disabled_user_can_no_longer_sign_in_and_the_change_is_audited()
    {
        var email = $"leaver-{Guid.NewGuid():N}@licenceops.local";
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Leaver", role = Roles.StaffAgent, password = "a-long-enough-password" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var disabled = await admin.PutAsJsonAsync($"/api/users/{id}", new { isActive = false });
        Assert.That(disabled.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var signIn = await factory.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { email, password = "a-long-enough-password" });
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var audit = (await admin.GetFromJsonAsync<JsonElement>($"/api/users/audit?entityId={id}")).GetProperty("items");
        var actions = audit.EnumerateArray().Select(e => e.GetProperty("action").GetString());
        Assert.That(actions, Is.EqualTo(new[] { "updated", "created" }));
        Assert.That(audit[0].GetProperty("actorDisplay").GetString(), Is.EqualTo(LicenceOpsFactory.AdminEmail));
    }

    private async Task<long> CountUsersAsync() => (await admin.GetFromJsonAsync<JsonElement>("/api/users")).GetProperty("total").GetInt64();
}
