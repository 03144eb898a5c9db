using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using LicenceOps.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>Vendor accounts over the API: credentials stay secret (API, database, logs), tests record the last error, tenants are walled.</summary>
public sealed class VendorAccountApiTests
{
    private const string Secret = "sk-admin-NEVER-SHOW-ME-4f7d1c";
    private LicenceOpsFactory factory = null!;
    private WebApplicationFactoryWithLogs host = null!;
    private HttpClient staff = null!;
    private FakeVendorServer vendor = null!;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Seats:Vendors:RetryBaseDelaySeconds"] = "0.05",
        });
        host = new WebApplicationFactoryWithLogs(factory);
        staff = await host.StaffClientAsync();
        vendor = await FakeVendorServer.StartAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        staff.Dispose();
        host.Dispose();
        factory.Dispose();
        await vendor.DisposeAsync();
    }

    private async Task<HttpResponseMessage> CreateAsync(Guid tenantId, object? body = null) =>
        await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", body ?? new
        {
            vendorCode = "openai", connector = "openai", displayName = "Client ChatGPT", baseAddress = vendor.BaseAddress.AbsoluteUri, secret = Secret,
        });

    [Test]
    public async Task The_credential_is_never_returned_and_is_encrypted_at_rest()
    {
        var tenantId = Guid.NewGuid();
        var created = await CreateAsync(tenantId);
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), createdText);
        var id = (await SeatsKit.BodyAsync(created)).Id();
        var one = await staff.GetStringAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}");
        var list = await staff.GetStringAsync($"/api/tenants/{tenantId}/vendor-accounts");
        var audit = await staff.GetStringAsync($"/api/seats/audit?tenantId={tenantId}");

        foreach (var text in new[] { createdText, one, list, audit })
        {
            Assert.That(text, Does.Not.Contain(Secret).And.Not.Contain("protectedSecret"));
        }
        Assert.That(audit, Does.Contain("vendor_account"), "the creation is audited, without the secret");
        Assert.That((await SeatsKit.BodyAsync(created)).GetProperty("hasCredential").GetBoolean(), Is.True);
        var stored = await SeatsKit.Db(factory).QuerySingleOrDefaultAsync<string>("SELECT protected_secret FROM vendor_accounts WHERE id = @id", new { id });
        Assert.That(stored, Is.Not.Null.And.Not.Contain(Secret));
        Assert.That(Directory.GetFiles(Path.Combine(factory.DataDirectory, "keys"), "key-*.xml"), Is.Not.Empty, "key ring in the data directory");
    }

    [Test]
    public async Task A_failing_test_records_the_last_error_and_neither_it_nor_the_log_contains_the_secret()
    {
        var tenantId = Guid.NewGuid();
        var id = (await SeatsKit.BodyAsync(await CreateAsync(tenantId))).Id();
        vendor.On("GET", "/v1/organization/users", FakeReply.Code(401, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"""));

        var tested = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}/test", null);
        var text = await tested.Content.ReadAsStringAsync();

        Assert.That(tested.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var body = await SeatsKit.BodyAsync(tested);
        Assert.That(body.GetProperty("ok").GetBoolean(), Is.False);
        Assert.That(body.GetProperty("account").Str("lastError"), Does.Contain("OpenAI GET /v1/organization/users failed: HTTP 401").And.Contain("Incorrect API key"));
        Assert.That(text, Does.Not.Contain(Secret));
        Assert.That(vendor.Requests.Single().Header("authorization"), Is.EqualTo($"Bearer {Secret}"), "the secret did reach the vendor");
        Assert.That(host.Logs, Has.Some.Contains("failed its test"), "the failure is logged");
        Assert.That(host.Logs, Has.Some.Contains("/v1/organization/users"), "HTTP client logs are captured too");
        Assert.That(host.Logs.Where(l => l.Contains(Secret)), Is.Empty);

        vendor.On("GET", "/v1/organization/users", FakeReply.Json(FakeVendorServer.Fixture("openai_organization_users_list.json")));
        var passed = await SeatsKit.BodyAsync(await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}/test", null));
        Assert.That(passed.GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(passed.GetProperty("account").GetProperty("lastCheckOk").GetBoolean(), Is.True);
        Assert.That(passed.GetProperty("account").Str("lastError"), Does.Contain("401"), "the last error stays visible after a later success");
    }

    [Test]
    public async Task Another_tenants_vendor_account_is_not_found_on_every_route()
    {
        var owner = Guid.NewGuid();
        var other = Guid.NewGuid();
        var id = (await SeatsKit.BodyAsync(await CreateAsync(owner))).Id();
        var otherSub = await SeatsKit.CreateSubscriptionAsync(factory, staff, other, "chatgpt-business-annual");

        Assert.That((await staff.GetAsync($"/api/tenants/{other}/vendor-accounts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await staff.PostAsync($"/api/tenants/{other}/vendor-accounts/{id}/test", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await staff.PutAsJsonAsync($"/api/tenants/{other}/vendor-accounts/{id}/credential", new { secret = "x" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        var csv = new StringContent("email,status\na@b.example,active\n", Encoding.UTF8, "text/csv");
        Assert.That((await staff.PostAsync($"/api/tenants/{other}/vendor-accounts/{id}/member-export", csv)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var link = await staff.PutAsJsonAsync($"/api/tenants/{other}/subscriptions/{otherSub.Id()}/vendor-account", new { vendorAccountId = id });
        await SeatsKit.AssertProblemAsync(link, HttpStatusCode.BadRequest);
        Assert.That((await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{other}/vendor-accounts")).GetArrayLength(), Is.Zero);

        using var client = await factory.ClientUserAsync(owner);
        Assert.That((await client.GetAsync($"/api/tenants/{owner}/vendor-accounts")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "staff only");
    }

    [Test]
    public async Task Bad_input_is_a_problem_and_changes_nothing()
    {
        var tenantId = Guid.NewGuid();
        await SeatsKit.AssertProblemAsync(await CreateAsync(tenantId, new { vendorCode = "anthropic", connector = "openai", displayName = "x", secret = "k" }),
            HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await CreateAsync(tenantId, new
        {
            vendorCode = "microsoft", connector = "graph", displayName = "x", secret = "k",
            settings = new Dictionary<string, string> { ["clientSecret"] = "oops" },
        }), HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await CreateAsync(tenantId, new
        {
            vendorCode = "openai", connector = "openai", displayName = "x", secret = "k", baseAddress = "http://vendor.example/",
        }), HttpStatusCode.BadRequest);
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_accounts WHERE tenant_id = @tenantId", new { tenantId }), Is.Zero);
    }

    /// <summary>The factory's host with every log line kept in memory.</summary>
    private sealed class WebApplicationFactoryWithLogs : IDisposable
    {
        private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> inner;

        public WebApplicationFactoryWithLogs(LicenceOpsFactory factory) =>
            inner = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(new Capture(Logs))));

        public ConcurrentQueue<string> Logs { get; } = new();

        public async Task<HttpClient> StaffClientAsync()
        {
            var client = inner.CreateClient();
            var token = await (await client.PostAsJsonAsync("/api/auth/token",
                new { email = LicenceOpsFactory.AdminEmail, password = LicenceOpsFactory.AdminPassword })).Content.ReadFromJsonAsync<Dictionary<string, object>>();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["access_token"].ToString());
            return client;
        }

        public void Dispose() => inner.Dispose();

        private sealed class Capture(ConcurrentQueue<string> logs) : ILoggerProvider, ILogger
        {
            public ILogger CreateLogger(string categoryName) => this;

            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue($"{formatter(state, exception)} {exception}");

            public void Dispose()
            {
            }
        }
    }
}
