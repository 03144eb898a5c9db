using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>
/// Joiner and leaver workflows whose vendor steps go through the API connectors: a Graph-connected Copilot subscription
/// and an OpenAI-connected ChatGPT subscription, each served by a loopback fake that keeps state like the vendor.
/// </summary>
public sealed class VendorWorkflowTests
{
    private const string SkuId = "c7df2760-2c81-4ef7-b578-5b5392b571df";
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private FakeVendorServer graph = null!;
    private FakeVendorServer openAi = null!;
    private readonly ConcurrentDictionary<string, bool> licensed = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> pendingInvites = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> members = new(StringComparer.OrdinalIgnoreCase);

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Seats:Vendors:RetryBaseDelaySeconds"] = "0.05" });
        staff = await factory.StaffClientAsync();
        graph = await FakeVendorServer.StartAsync();
        openAi = await FakeVendorServer.StartAsync();
        PlayGraph();
        PlayOpenAi();
    }

    [TearDown]
    public async Task Stop()
    {
        staff.Dispose();
        factory.Dispose();
        await graph.DisposeAsync();
        await openAi.DisposeAsync();
    }

    private void PlayGraph()
    {
        graph.On("POST", "/directory-1/oauth2/v2.0/token", FakeReply.Json("""{"token_type":"Bearer","expires_in":3599,"access_token":"graph-token"}"""));
        graph.On("GET", "/v1.0/subscribedSkus", FakeReply.Json(FakeVendorServer.Fixture("graph_subscribedSkus.json")));
        graph.OnPrefix = request =>
        {
            var parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts is not ["v1.0", "users", var email, ..])
            {
                return null;
            }
            if (parts.Length == 4 && parts[3] == "assignLicense" && request.Method == "POST")
            {
                var body = request.Json();
                if (body["addLicenses"]!.AsArray().Any(l => l!["skuId"]!.GetValue<string>() == SkuId))
                {
                    licensed[email] = true;
                }
                if (body["removeLicenses"]!.AsArray().Any(l => l!.GetValue<string>() == SkuId))
                {
                    licensed.TryRemove(email, out _);
                }
                return FakeReply.Json($$"""{"id":"{{email}}","mail":"{{email}}"}""");
            }
            var licences = licensed.ContainsKey(email) ? $$"""[{"disabledPlans":[],"skuId":"{{SkuId}}"}]""" : "[]";
            return FakeReply.Json($$"""{"id":"id-{{email}}","mail":"{{email}}","accountEnabled":true,"assignedLicenses":{{licences}}}""");
        };
    }

    private void PlayOpenAi()
    {
        OpenAiOrganizationFake.Play(openAi, members, pendingInvites);
        openAi.OnPrefix = r =>
        {
            if (r.Method == "DELETE" && r.Path.StartsWith("/v1/organization/users/", StringComparison.Ordinal))
            {
                var id = r.Path.Split('/').Last();
                var member = members.FirstOrDefault(m => m.Value == id);
                return member.Key is not null && members.TryRemove(member.Key, out _)
                    ? FakeReply.Json(JsonEdit.Edit(FakeVendorServer.Fixture("openai_organization_user_delete_response.json"), n => n["id"] = id))
                    : FakeReply.Code(404, """{"error":{"message":"No such user"}}""");
            }
            return null;
        };
    }

    private async Task<Guid> AccountAsync(Guid tenantId, object body)
    {
        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await SeatsKit.BodyAsync(response)).Id();
    }

    private async Task ConnectAsync(Guid tenantId, Guid subscriptionId, Guid accountId)
    {
        var response = await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{subscriptionId}/vendor-account", new { vendorAccountId = accountId });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_joiner_gets_the_Copilot_licence_and_the_ChatGPT_invite_through_the_APIs_and_as_a_leaver_loses_both()
    {
        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var copilot = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "m365-copilot-annual", quantity: 2);
        var chatGpt = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 2);
        var graphAccount = await AccountAsync(tenantId, new
        {
            vendorCode = "microsoft", connector = "graph", displayName = "Client M365", baseAddress = graph.BaseAddress.AbsoluteUri,
            settings = new Dictionary<string, string>
            {
                ["directoryTenantId"] = "directory-1", ["clientId"] = "app-1", ["skuId"] = SkuId, ["authority"] = graph.BaseAddress.AbsoluteUri,
            },
            secret = "graph-secret-value",
        });
        var openAiAccount = await AccountAsync(tenantId, new
        {
            vendorCode = "openai", connector = "openai", displayName = "Client ChatGPT", baseAddress = openAi.BaseAddress.AbsoluteUri,
            secret = "sk-admin-value",
        });
        await ConnectAsync(tenantId, copilot.Id(), graphAccount);
        await ConnectAsync(tenantId, chatGpt.Id(), openAiAccount);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, copilot.Id());
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, chatGpt.Id());

        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId, department);
        var email = $"p{person:N}@example.test";
        // The kicker may be advancing the onboarding while a sweep runs, and the sweep then skips the steps it holds:
        // sweep until both calls have reached the fakes, as a later hourly sweep would.
        await Eventually.UntilAsync(async () =>
        {
            await SeatsKit.SweepAsync(factory);
            return licensed.ContainsKey(email) && pendingInvites.ContainsKey(email);
        }, TimeSpan.FromSeconds(30), "the Copilot licence and the ChatGPT invite are requested");

        Assert.That(licensed.ContainsKey(email), Is.True, "Graph assignLicense added the Copilot SKU");
        Assert.That(pendingInvites.ContainsKey(email), Is.True, "OpenAI invite created");
        Assert.That(await WorkflowKit.OpenTasksAsync(staff, tenantId), Is.Empty, "no manual task");
        Assert.That((await WorkflowKit.SeatOfAsync(staff, tenantId, person, copilot.Id())).Str("status"), Is.EqualTo("active"),
            "Graph reports the licence held: the seat is active at once");
        Assert.That((await WorkflowKit.SeatOfAsync(staff, tenantId, person, chatGpt.Id())).Str("status"), Is.EqualTo("invited"));
        var onboarding = await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding");
        Assert.That(onboarding.Step("invite", chatGpt.Id()).Str("completedBy"), Does.Contain("openai API"));

        // The joiner accepts the ChatGPT invite: OpenAI now lists them as a member, so activation is read from the API.
        pendingInvites.TryRemove(email, out _);
        members[email] = "user_joiner";
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        await SeatsKit.SweepAsync(factory);
        Assert.That((await WorkflowKit.SeatOfAsync(staff, tenantId, person, chatGpt.Id())).Str("status"), Is.EqualTo("active"));
        Assert.That((await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding")).Str("status"), Is.EqualTo("completed"));

        var endDate = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        await SeatsKit.PublishAsync(factory, new PersonLeaving(person, tenantId, email, endDate, factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, person)).Any(t => t.Str("kind") == "offboarding"));
        factory.Clock.Advance(TimeSpan.FromDays(1));
        // ChatGPT hands the leaver's projects to a workspace owner: no API does that check, so it stays a manual step.
        await Eventually.UntilAsync(async () =>
        {
            await SeatsKit.SweepAsync(factory);
            return (await WorkflowKit.OpenTasksAsync(staff, tenantId)).Any(t => t.Str("action") == "transfer_data");
        }, TimeSpan.FromSeconds(30), "the data-transfer step waits for staff");
        await WorkflowKit.ConfirmAsync(staff, tenantId, "transfer_data");
        await Eventually.UntilAsync(async () =>
        {
            await SeatsKit.SweepAsync(factory);
            return (await WorkflowKit.TransferAsync(staff, tenantId, person, "offboarding")).Str("status") == "completed";
        }, TimeSpan.FromSeconds(30), "the offboarding completes once staff confirmed");

        Assert.That(licensed.ContainsKey(email), Is.False, "Graph assignLicense removed the SKU");
        Assert.That(members.ContainsKey(email), Is.False, "OpenAI user deleted");
        var tasks = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/manual-tasks")).EnumerateArray().Select(t => t.Str("action")).ToList();
        Assert.That(tasks, Is.EqualTo(new[] { "transfer_data" }), "invite and removal never became manual tasks");
        var offboarding = await WorkflowKit.TransferAsync(staff, tenantId, person, "offboarding");
        Assert.That(offboarding.Str("status"), Is.EqualTo("completed"), offboarding.ToString());
        Assert.That((await WorkflowKit.SeatOfAsync(staff, tenantId, person, copilot.Id())).Str("status"), Is.EqualTo("released"));
        Assert.That((await WorkflowKit.SeatOfAsync(staff, tenantId, person, chatGpt.Id())).Str("status"), Is.EqualTo("released"));
    }

    [Test]
    public async Task When_the_vendor_API_keeps_failing_the_step_falls_back_to_a_manual_task()
    {
        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var chatGpt = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 2);
        var account = await AccountAsync(tenantId, new
        {
            vendorCode = "openai", connector = "openai", displayName = "Down", baseAddress = openAi.BaseAddress.AbsoluteUri, secret = "sk-admin-down",
        });
        await ConnectAsync(tenantId, chatGpt.Id(), account);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, chatGpt.Id());
        openAi.On("GET", "/v1/organization/users", FakeReply.Code(503, """{"error":{"message":"overloaded"}}"""));

        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId, department);
        await SeatsKit.SweepAsync(factory);
        // The kicker may hold the step's call lease while this sweep runs: wait for the attempt it makes.
        var invite = default(JsonElement);
        await Eventually.UntilAsync(async () =>
        {
            invite = (await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding")).Step("invite");
            return invite.GetProperty("attempts").GetInt32() == 1;
        }, TimeSpan.FromSeconds(30), "the first attempt is recorded");
        Assert.That(invite.Str("lastError"), Does.Contain("OpenAI GET /v1/organization/users failed: HTTP 503").And.Contain("overloaded"));
        Assert.That(invite.Str("lastError"), Does.Not.Contain("sk-admin-down"));
        Assert.That(await WorkflowKit.OpenTasksAsync(staff, tenantId), Is.Empty, "not yet: the API gets its retries first");
        // The vendor account shows what the step saw, so staff looking at the account find the outage.
        var accountView = await SeatsKit.BodyAsync(await staff.GetAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}"));
        Assert.That(accountView.Str("lastError"), Does.Contain("OpenAI GET /v1/organization/users failed: HTTP 503").And.Not.Contain("sk-admin-down"));
        Assert.That(accountView.GetProperty("lastErrorAt").GetDateTimeOffset(), Is.EqualTo(factory.Clock.GetUtcNow()));

        for (var i = 0; i < 3; i++)
        {
            factory.Clock.Advance(TimeSpan.FromHours(1));
            await SeatsKit.SweepAsync(factory);
        }

        var task = await WorkflowKit.OpenTaskAsync(staff, tenantId, "invite");
        Assert.That(task.Str("instructions"), Does.Contain($"p{person:N}@example.test"));
        Assert.That((await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding")).Step("invite").Str("status"), Is.EqualTo("waiting"));
    }

    [Test]
    public async Task A_step_redone_after_its_call_reached_the_vendor_neither_invites_nor_removes_twice()
    {
        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var chatGpt = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 2);
        var account = await AccountAsync(tenantId, new
        {
            vendorCode = "openai", connector = "openai", displayName = "Client ChatGPT", baseAddress = openAi.BaseAddress.AbsoluteUri, secret = "sk-admin-redo",
        });
        await ConnectAsync(tenantId, chatGpt.Id(), account);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, chatGpt.Id());
        var person = Guid.NewGuid();
        var email = $"p{person:N}@example.test";
        // A previous process sent the invite, then died before recording it: OpenAI already has the pending invite.
        pendingInvites[email] = "invite-before-crash";

        await SeatsKit.PublishAsync(factory, new PersonJoined(person, tenantId, email, "Redo", department, new DateOnly(2026, 11, 23), factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, person)).Count == 1);

        var invite = await StepAfterSweepsAsync(tenantId, person, "onboarding", "invite");
        Assert.That(invite.Str("status"), Is.EqualTo("completed"));
        Assert.That(invite.Str("completedBy"), Does.Contain("invite already pending"));
        Assert.That(openAi.To("POST", "/v1/organization/invites"), Is.Empty, "the redo found the invite instead of sending another");

        // The member joined, then left; the removal reached OpenAI but was not recorded: the redo finds nobody to remove.
        pendingInvites.TryRemove(email, out _);
        await SeatsKit.PublishAsync(factory, new PersonLeft(person, tenantId, email, DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime), factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, person)).Any(t => t.Str("kind") == "offboarding"));
        await SeatsKit.SweepAsync(factory);
        await WorkflowKit.ConfirmAsync(staff, tenantId, "transfer_data");

        var revoke = await StepAfterSweepsAsync(tenantId, person, "offboarding", "revoke_access");
        Assert.That(revoke.Str("status"), Is.EqualTo("completed"));
        Assert.That(revoke.Str("completedBy"), Does.Contain("not a member of the organisation"));
        Assert.That(openAi.Requests.Where(r => r.Method == "DELETE"), Is.Empty);
    }

    /// <summary>
    /// Sweeps until the step has left "pending": the kicker (started by the event) may hold the step's call lease while
    /// one sweep runs, and then that sweep leaves the step to it.
    /// </summary>
    private async Task<JsonElement> StepAfterSweepsAsync(Guid tenantId, Guid person, string kind, string step)
    {
        var found = default(JsonElement);
        await Eventually.UntilAsync(async () =>
        {
            await SeatsKit.SweepAsync(factory);
            found = (await WorkflowKit.TransferAsync(staff, tenantId, person, kind)).Step(step);
            return found.Str("status") != "pending";
        }, TimeSpan.FromSeconds(30), $"the {kind} step {step} ran");
        return found;
    }
}
