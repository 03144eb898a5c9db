using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Platform;

public sealed class HostSurfaceTests
{
    [Test]
    public async Task Health_endpoints_answer_without_a_token_and_ready_checks_databases_and_bus()
    {
        using var factory = new LicenceOpsFactory();
        var client = factory.AnonymousClient();

        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.That(ready.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        var checks = ready.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString());
        Assert.That(checks, Is.SupersetOf(new[] { "databases", "masstransit-bus" }));
    }

    [Test]
    public async Task OpenApi_document_and_its_browsable_ui_are_served()
    {
        using var factory = new LicenceOpsFactory();
        var client = factory.AnonymousClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.That(document.GetProperty("paths").TryGetProperty("/api/auth/token", out _), Is.True);
        Assert.That((await client.GetAsync("/docs")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Hangfire_dashboard_is_for_staff_admins_only()
    {
        using var factory = new LicenceOpsFactory();
        using var admin = await factory.StaffClientAsync();
        using var agent = await factory.StaffClientAsync(LicenceOps.Platform.Security.Roles.StaffAgent);

        Assert.That((await factory.AnonymousClient().GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await agent.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await admin.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Repeated_sign_in_attempts_are_rate_limited()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Auth:TokenRequestsPerMinute"] = "3" });
        var client = factory.AnonymousClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/auth/token", new { email = "admin@licenceops.local", password = "guess-" + i })).StatusCode);
        }

        Assert.That(statuses.Take(3), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(statuses.Skip(3), Is.All.EqualTo(HttpStatusCode.TooManyRequests));
    }
}
