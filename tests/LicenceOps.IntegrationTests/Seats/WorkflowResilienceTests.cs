using System.Net.Http.Headers;
using System.Net.Http.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Jobs;
using LicenceOps.Seats.Vendors;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats;

public sealed class WorkflowResilienceTests
{
    [Test]
    public async Task An_offboarding_stopped_mid_way_resumes_after_a_restart_over_the_same_data()
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            var tenantId = Guid.NewGuid();
            var (person, subscriptionId) = await FirstLifeAsync();

            async Task<(Guid Person, Guid SubscriptionId)> FirstLifeAsync()
            {
                // Its own async flow: the bus's ambient log context of this host must not leak into the next host.
                using var first = new LicenceOpsFactory(dataDirectory: dataDirectory);
                using var staff = await first.StaffClientAsync();
                var sub = await SeatsKit.CreateSubscriptionAsync(first, staff, tenantId, "chatgpt-business-monthly", quantity: 2);
                var subscriptionId = sub.Id();
                var person = await SeatsKit.PersonJoinsAsync(first, tenantId);
                await SeatsKit.AssignAsync(staff, tenantId, subscriptionId, person);
                await SeatsKit.PublishAsync(first, new PersonLeft(person, tenantId, $"p{person:N}@example.test", new DateOnly(2026, 11, 23), first.Clock.GetUtcNow()));
                await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, person)).Any(t => t.Str("kind") == "offboarding"));
                await SeatsKit.SweepAsync(first);
                await WorkflowKit.ConfirmAsync(staff, tenantId, "transfer_data");

                var midway = await WorkflowKit.TransferAsync(staff, tenantId, person, "offboarding");
                Assert.That(midway.Step("hand_over_data").Str("status"), Is.EqualTo("completed"));
                Assert.That(midway.Step("revoke_access").Str("status"), Is.EqualTo("waiting"));
                return (person, subscriptionId);
            }

            using var second = new LicenceOpsFactory(dataDirectory: dataDirectory);
            using var staffAgain = await second.StaffClientAsync();
            var resumed = await WorkflowKit.TransferAsync(staffAgain, tenantId, person, "offboarding");
            Assert.That(resumed.Str("status"), Is.EqualTo("running"));
            Assert.That(resumed.Step("revoke_access").Str("status"), Is.EqualTo("waiting"));
            Assert.That((await WorkflowKit.OpenTasksAsync(staffAgain, tenantId)).Select(t => t.Str("action")), Is.EqualTo(new[] { "revoke" }));

            await SeatsKit.SweepAsync(second);
            Assert.That((await WorkflowKit.OpenTasksAsync(staffAgain, tenantId)), Has.Count.EqualTo(1), "a sweep after restart repeats no action");
            await WorkflowKit.ConfirmAsync(staffAgain, tenantId, "revoke");

            var done = await WorkflowKit.TransferAsync(staffAgain, tenantId, person, "offboarding");
            Assert.That(done.Str("status"), Is.EqualTo("completed"));
            Assert.That((await WorkflowKit.SeatOfAsync(staffAgain, tenantId, person, subscriptionId)).Str("status"), Is.EqualTo("released"));
            var sub2 = await SeatsKit.GetAsync(staffAgain, $"/api/tenants/{tenantId}/subscriptions/{subscriptionId}");
            Assert.That(sub2.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(1));
            Assert.That(await SeatsKit.CountAsync(second, "SELECT COUNT(*) FROM subscriptions WHERE tenant_id = @id",
                new { id = LicenceOps.Platform.DemoData.AcmeTenantId }), Is.EqualTo(3), "demo data is seeded once");
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(dataDirectory);
        }
    }

    [Test]
    public async Task A_failing_step_is_retried_with_exponential_backoff_then_needs_attention_with_the_reason()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?>
        {
            ["Seats:StepMaxAttempts"] = "3",
            ["Seats:StepRetryBaseDelaySeconds"] = "60",
        });
        using var failing = factory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IVendorConnector, UnreachableVendorConnector>()));
        using var staff = failing.CreateClient();
        var token = await (await staff.PostAsJsonAsync("/api/auth/token",
            new { email = LicenceOpsFactory.AdminEmail, password = LicenceOpsFactory.AdminPassword })).Content.ReadFromJsonAsync<Dictionary<string, object>>();
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["access_token"].ToString());

        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 3);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, sub.Id());
        var personId = Guid.NewGuid();
        await failing.Services.GetRequiredService<MassTransit.IBus>().Publish(
            new PersonJoined(personId, tenantId, "retry@example.test", "Retry", department, new DateOnly(2026, 11, 23), factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, personId)).Count == 1);
        Task Sweep() => failing.Services.CreateScope().ServiceProvider.GetRequiredService<TransferSweeperJob>().RunAsync(CancellationToken.None);

        await Sweep();
        var invite = (await WorkflowKit.TransferAsync(staff, tenantId, personId, "onboarding")).Step("invite");
        Assert.That(invite.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
        Assert.That(invite.Str("lastError"), Does.Contain("vendor unreachable"));
        Assert.That(invite.GetProperty("nextAttemptAt").GetDateTimeOffset(), Is.EqualTo(factory.Clock.GetUtcNow().AddMinutes(1)));

        await Sweep();
        Assert.That((await WorkflowKit.TransferAsync(staff, tenantId, personId, "onboarding")).Step("invite").GetProperty("attempts").GetInt32(),
            Is.EqualTo(1), "not retried before its time");

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await Sweep();
        invite = (await WorkflowKit.TransferAsync(staff, tenantId, personId, "onboarding")).Step("invite");
        Assert.That(invite.GetProperty("attempts").GetInt32(), Is.EqualTo(2));
        Assert.That(invite.GetProperty("nextAttemptAt").GetDateTimeOffset(), Is.EqualTo(factory.Clock.GetUtcNow().AddMinutes(2)));

        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await Sweep();
        var transfer = await WorkflowKit.TransferAsync(staff, tenantId, personId, "onboarding");
        Assert.That(transfer.Step("invite").Str("status"), Is.EqualTo("needs_attention"));
        Assert.That(transfer.Str("status"), Is.EqualTo("needs_attention"));
        Assert.That(transfer.Str("attentionReason"), Does.Contain("after 3 attempt(s)").And.Contain("vendor unreachable"));
        Assert.That(transfer.Step("assign_seat").Str("status"), Is.EqualTo("completed"), "steps that succeeded stay done");

        var retried = await staff.PostAsync($"/api/tenants/{tenantId}/transfers/{transfer.Id()}/retry", null);
        Assert.That(retried.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), await retried.Content.ReadAsStringAsync());
        var afterRetry = await SeatsKit.BodyAsync(retried);
        Assert.That(afterRetry.Step("invite").GetProperty("attempts").GetInt32(), Is.EqualTo(1), "a retry starts a fresh series of attempts");
    }

    /// <summary>Test double of a vendor API that is down: every action fails.</summary>
    internal sealed class UnreachableVendorConnector : IVendorConnector
    {
        public string Name => "unreachable";

        public bool IsApi => true;

        public bool Handles(string vendorCode) => vendorCode == "openai";

        public Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct) => throw Down();

        public Task<VendorReading<VendorMember?>> FindMemberAsync(VendorAccount account, string email, CancellationToken ct) => throw Down();

        public Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct) => throw Down();

        public Task<VendorReading<VendorQuantity>> ReadPurchasedQuantityAsync(VendorAccount account, CancellationToken ct) => throw Down();

        public Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct) =>
            throw Down();

        public Task<ConnectorResult> InviteAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct) => throw Down();

        public Task<ConnectorResult> RevokeAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct) => throw Down();

        public Task<ConnectorResult> TransferDataAsync(VendorMemberContext member, string offboardingDataRule, UnitOfWork uow, CancellationToken ct) =>
            throw Down();

        private static VendorConnectorException Down() => new("vendor unreachable (HTTP 503)");
    }
}
