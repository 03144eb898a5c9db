using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using MassTransit;
using Microsoft.Extensions.Options;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>Findings 2, 9 and 10 of issue 9: the dashboard, headers, problem answers, status codes and telemetry.</summary>
public sealed class HttpSurfaceSecurityTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        admin = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        admin.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task The_dashboard_cookie_is_issued_by_the_app_strict_and_http_only()
    {
        var response = await admin.PostAsync("/api/auth/dashboard-session", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("licenceops_dashboard=", StringComparison.Ordinal));
        Assert.That(cookie.ToLowerInvariant(), Does.Contain("samesite=strict").And.Contain("httponly").And.Contain("path=/hangfire"));

        using var agent = await factory.StaffClientAsync(LicenceOps.Platform.Security.Roles.StaffAgent);
        Assert.That((await agent.PostAsync("/api/auth/dashboard-session", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("https://evil.example")]
    [TestCase(null)]
    public async Task A_dashboard_post_with_only_the_cookie_cannot_trigger_a_job_from_another_site(string? origin)
    {
        var session = await admin.PostAsync("/api/auth/dashboard-session", null);
        var cookie = session.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("licenceops_dashboard=", StringComparison.Ordinal)).Split(';')[0];

        using var browser = factory.AnonymousClient();
        Assert.That((await SendAsync(browser, HttpMethod.Get, "/hangfire/recurring", cookie, null)).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "control: the cookie opens the dashboard");

        var trigger = await SendAsync(browser, HttpMethod.Post, "/hangfire/recurring/trigger", cookie, origin,
            new FormUrlEncodedContent([new("jobs[]", "transfer-sweeper")]));
        Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_same_origin_dashboard_post_without_the_antiforgery_token_is_refused()
    {
        var session = await admin.PostAsync("/api/auth/dashboard-session", null);
        var cookie = session.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("licenceops_dashboard=", StringComparison.Ordinal)).Split(';')[0];

        using var browser = factory.AnonymousClient();
        var trigger = await SendAsync(browser, HttpMethod.Post, "/hangfire/recurring/trigger", cookie, "http://localhost",
            new FormUrlEncodedContent([new("jobs[]", "transfer-sweeper")]));
        Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string cookie, string? origin, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Cookie", cookie);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return client.SendAsync(request);
    }

    [Test]
    public async Task Api_answers_carry_security_headers_and_personal_data_is_not_cached()
    {
        var people = await admin.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/people");

        Assert.That(people.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Header(people, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
        Assert.That(Header(people, "Content-Security-Policy"), Does.Contain("frame-ancestors 'none'"));
        Assert.That(Header(people, "Referrer-Policy"), Is.EqualTo("no-referrer"));
        Assert.That(people.Headers.CacheControl?.NoStore, Is.True);

        var unauthorized = await factory.AnonymousClient().GetAsync("/api/users/me");
        Assert.That(Header(unauthorized, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
    }

    [TestCase("/docs")]
    [TestCase("/hangfire")]
    public async Task Pages_carry_a_content_security_policy_that_forbids_framing(string path)
    {
        var session = await admin.PostAsync("/api/auth/dashboard-session", null);
        Assert.That(session.IsSuccessStatusCode, Is.True);
        var page = await admin.GetAsync(path);

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Header(page, "Content-Security-Policy"), Does.Contain("frame-ancestors 'none'").And.Contain("default-src 'self'"));
        Assert.That(Header(page, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
    }

    [Test]
    public async Task A_body_of_the_wrong_type_is_answered_in_field_names_never_dotnet_types()
    {
        using var content = new StringContent("""{"planCode":"chatgpt-business-annual","committedQuantity":"lots"}""", Encoding.UTF8, "application/json");
        var response = await admin.PostAsync($"/api/tenants/{DemoData.AcmeTenantId}/subscriptions", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(text, Does.Not.Contain("System.").And.Not.Contain("Nullable").And.Not.Contain("Int32").And.Not.Contain("LicenceOps."));
        Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty("committedQuantity", out _), Is.True, text);
    }

    [Test]
    public async Task A_missing_body_does_not_name_the_request_type()
    {
        using var content = new StringContent("", Encoding.UTF8, "application/json");
        var response = await admin.PostAsync("/api/users", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(text, Does.Not.Contain("CreateUserRequest"));
    }

    [Test]
    public async Task Sign_in_with_a_non_json_content_type_is_415()
    {
        using var content = new StringContent("email=admin@licenceops.local&password=x", Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await factory.AnonymousClient().PostAsync("/api/auth/token", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase("/api/no-such-thing")]
    [TestCase("/nothing/here.txt")]
    public async Task An_unknown_path_is_404_not_401(string path)
    {
        var response = await factory.AnonymousClient().GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public void MassTransit_usage_telemetry_is_off_unless_an_operator_turns_it_on()
    {
        Assert.That(factory.Service<IOptions<UsageTelemetryOptions>>().Value.Enabled, Is.False);

        using var opted = new LicenceOpsFactory(new Dictionary<string, string?> { ["Bus:UsageTelemetry"] = "true" });
        Assert.That(opted.Service<IOptions<UsageTelemetryOptions>>().Value.Enabled, Is.True);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : null;
}
