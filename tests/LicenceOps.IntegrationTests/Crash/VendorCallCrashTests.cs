using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats.Vendors;
using LicenceOps.IntegrationTests.Tenants;

namespace LicenceOps.IntegrationTests.Crash;

/// <summary>
/// kill -9 during a vendor call of a workflow step (ADR 0019): the host, a real child process, sends the ChatGPT invite
/// of a joiner to a loopback OpenAI fake that creates the invite but holds the answer; the host is killed while it waits.
/// Restarted over the same data once the step's lease (Seats:Vendors:StepCallLeaseSeconds) has lapsed, it redoes the
/// step, which reads the organisation first, finds the pending invite and completes: OpenAI ends with exactly one
/// invite, the step is completed, and no manual task was made.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class VendorCallCrashTests
{
    private const int LeaseSeconds = 3;
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Demo:Seed"] = "false",
        ["Seats:Vendors:StepCallLeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private readonly ConcurrentDictionary<string, string> pendingInvites = new();
    private CrashData data = null!;
    private FakeVendorServer openAi = null!;

    [SetUp]
    public async Task StartFakeAsync()
    {
        data = new CrashData();
        openAi = await FakeVendorServer.StartAsync();
        OpenAiOrganizationFake.Play(openAi, new ConcurrentDictionary<string, string>(), pendingInvites);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await data.DisposeAsync();
        await openAi.DisposeAsync();
    }

    [Test]
    public async Task A_host_killed_during_the_invite_call_redoes_the_step_after_the_lease_and_invites_once()
    {
        var host = await StartAsync();
        var inCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        openAi.BeforeReply = async request =>
        {
            if (request is { Method: "POST", Path: "/v1/organization/invites" })
            {
                inCall.TrySetResult();
                await release.Task;
            }
        };

        Guid tenantId, personId;
        string email;
        using (var staff = await host.StaffClientAsync())
        {
            (tenantId, var domain) = await TenantAsync(staff);
            var departmentId = await DepartmentAsync(staff, tenantId);
            var subscriptionId = await SubscriptionAsync(staff, tenantId);
            await ConnectOpenAiAsync(staff, tenantId, subscriptionId);
            await TemplateAsync(staff, tenantId, departmentId, subscriptionId);
            email = $"joiner@{domain}";
            var joined = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/people", new
            {
                email, firstName = "Held", lastName = "Call", departmentId, startDate = "2026-01-05", external = false,
            });
            Assert.That(joined.StatusCode, Is.EqualTo(HttpStatusCode.Created), await joined.Content.ReadAsStringAsync());
            personId = JsonDocument.Parse(await joined.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

            await inCall.Task.WaitAsync(TimeSpan.FromMinutes(2));
            host.Kill();
        }
        release.SetResult();
        var requestsAtKill = openAi.Requests.Count;

        Assert.That(pendingInvites.Keys, Is.EqualTo(new[] { email }), "the vendor created the invite; the killed host never heard so");
        var step = await InviteStepAsync();
        Assert.That((step.Status, step.CompletedBy), Is.EqualTo(("pending", (string?)null)), "the step was not recorded: the kill came first");

        // The lease of the killed call must lapse before anyone may redo the step; the restarted host's first pass does.
        await Task.Delay(TimeSpan.FromSeconds(LeaseSeconds + 1));
        host = await StartAsync();
        using var after = await host.StaffClientAsync();
        await Eventually.UntilAsync(async () => (await InviteStepAsync()).Status == "completed", TimeSpan.FromMinutes(2),
            "the restarted host redoes the step once its lease lapsed");

        step = await InviteStepAsync();
        Assert.That(step.CompletedBy, Does.Contain("invite already pending"), "the redo read the organisation first and found the invite");
        Assert.That(openAi.To("POST", "/v1/organization/invites"), Has.Count.EqualTo(1), "exactly one invite was ever sent");
        Assert.That(openAi.Requests.Skip(requestsAtKill).Any(r => r is { Method: "GET", Path: "/v1/organization/invites" }), Is.True,
            "after the restart the step checked the pending invites before deciding");
        Assert.That(pendingInvites, Has.Count.EqualTo(1));
        var tasks = (await after.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenantId}/manual-tasks")).GetProperty("items");
        Assert.That(tasks.GetArrayLength(), Is.Zero, "no manual task: the connector did the step");
        var seat = (await after.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenantId}/seats?personId={personId}")).GetProperty("items");
        Assert.That(seat.EnumerateArray().Select(s => s.GetProperty("status").GetString()), Is.EqualTo(new[] { "invited" }), "one seat, invited");
    }

    private Task<ChildProcessHost> StartAsync() => data.StartAsync(Settings);

    private sealed record StepRow(string Status, string? CompletedBy);

    private async Task<StepRow> InviteStepAsync() =>
        (await data.QueryAsync<StepRow>("seats", "SELECT status AS Status, completed_by AS CompletedBy FROM transfer_steps WHERE kind = 'invite'")).Single();

    private static async Task<(Guid Id, string Domain)> TenantAsync(HttpClient staff)
    {
        var domain = TenantsTestKit.NewDomain();
        var tenant = await staff.PostAsJsonAsync("/api/tenants", TenantsTestKit.FrenchTenant(domain, "Held Call SARL"));
        Assert.That(tenant.StatusCode, Is.EqualTo(HttpStatusCode.Created), await tenant.Content.ReadAsStringAsync());
        return (JsonDocument.Parse(await tenant.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid(), domain);
    }

    private static async Task<Guid> DepartmentAsync(HttpClient staff, Guid tenantId)
    {
        var created = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/departments", new { name = "Research" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private static async Task<Guid> SubscriptionAsync(HttpClient staff, Guid tenantId)
    {
        // Seats learns of the new tenant by the bus (TenantProfileChanged) and answers 404 until then.
        HttpResponseMessage response = null!;
        await Eventually.UntilAsync(async () =>
        {
            response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions", new
            {
                planCode = "chatgpt-business-annual", vendorAccountId = $"org-{Guid.NewGuid():N}", committedQuantity = 2, termStart = "2026-01-01",
                renewalDate = "2027-01-01", salePricePerSeatEur = 27.50m, autoIncreasePolicy = "require_staff_approval",
            });
            return response.StatusCode != HttpStatusCode.NotFound;
        }, TimeSpan.FromSeconds(60), "Seats hears of the tenant");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private async Task ConnectOpenAiAsync(HttpClient staff, Guid tenantId, Guid subscriptionId)
    {
        var account = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", new
        {
            vendorCode = "openai", connector = "openai", displayName = "Client ChatGPT", baseAddress = openAi.BaseAddress.AbsoluteUri, secret = "sk-admin-held",
        });
        Assert.That(account.StatusCode, Is.EqualTo(HttpStatusCode.Created), await account.Content.ReadAsStringAsync());
        var accountId = JsonDocument.Parse(await account.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var linked = await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{subscriptionId}/vendor-account", new { vendorAccountId = accountId });
        Assert.That(linked.StatusCode, Is.EqualTo(HttpStatusCode.OK), await linked.Content.ReadAsStringAsync());
    }

    private static async Task TemplateAsync(HttpClient staff, Guid tenantId, Guid departmentId, Guid subscriptionId)
    {
        // Seats learns of the new department by the bus (DepartmentChanged): until then the template is refused as unknown.
        HttpResponseMessage template = null!;
        await Eventually.UntilAsync(async () =>
        {
            template = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-templates", new { departmentId, subscriptionId });
            return template.StatusCode != HttpStatusCode.BadRequest;
        }, TimeSpan.FromSeconds(60), "Seats hears of the department");
        Assert.That(template.StatusCode, Is.EqualTo(HttpStatusCode.Created), await template.Content.ReadAsStringAsync());
    }
}
