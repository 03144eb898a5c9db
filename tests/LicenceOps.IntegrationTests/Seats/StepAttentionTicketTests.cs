using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Jobs;
using LicenceOps.Seats.Vendors;
using LicenceOps.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>End to end over the bus: a workflow step that fails its last attempt becomes one hotline ticket.</summary>
public sealed class StepAttentionTicketTests
{
    [Test]
    public async Task A_step_failing_after_its_last_attempt_opens_one_hotline_ticket_for_the_tenant()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Seats:StepMaxAttempts"] = "1" });
        using var failing = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IVendorConnector, WorkflowResilienceTests.UnreachableVendorConnector>()));
        using var staff = failing.CreateClient();
        var token = await (await staff.PostAsJsonAsync("/api/auth/token",
            new { email = LicenceOpsFactory.AdminEmail, password = LicenceOpsFactory.AdminPassword })).Content.ReadFromJsonAsync<Dictionary<string, object>>();
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["access_token"].ToString());

        var tenantId = DemoData.AcmeTenantId;
        var department = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 3);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, sub.Id());
        var personId = Guid.NewGuid();
        await failing.Services.GetRequiredService<MassTransit.IBus>().Publish(
            new PersonJoined(personId, tenantId, "attention@acme-conseil.fr", "Attention", department, new DateOnly(2026, 11, 23), factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, personId)).Count == 1);

        var sweeper = failing.Services.CreateScope().ServiceProvider.GetRequiredService<TransferSweeperJob>();
        await sweeper.RunAsync(CancellationToken.None);
        var transfer = await WorkflowKit.TransferAsync(staff, tenantId, personId, "onboarding");
        var invite = transfer.Step("invite");
        Assert.That(invite.Str("status"), Is.EqualTo("needs_attention"));

        var support = failing.Services.GetRequiredService<ModuleDatabase<SupportModule>>();
        var key = $"transfer-step:{invite.Id():D}";
        async Task<long> CountAsync(string sql)
        {
            await using var connection = await support.OpenAsync();
            return await connection.ExecuteScalarAsync<long>(sql, new { key });
        }
        await Eventually.UntilAsync(async () => await CountAsync("SELECT COUNT(*) FROM tickets WHERE dedupe_key = @key") == 1,
            TimeSpan.FromSeconds(60), "Support opens the step's ticket");
        await using (var connection = await support.OpenAsync())
        {
            var ticket = await connection.QuerySingleAsync<(string TenantId, string Category, string Priority, string Source)>(
                "SELECT tenant_id, category, priority, source FROM tickets WHERE dedupe_key = @key", new { key });
            Assert.That(Guid.Parse(ticket.TenantId), Is.EqualTo(tenantId));
            Assert.That((ticket.Category, ticket.Priority, ticket.Source), Is.EqualTo(("access_or_activation", "high", "event")));
            var note = await connection.ExecuteScalarAsync<string>(
                "SELECT m.body_text FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.dedupe_key = @key", new { key });
            Assert.That(note, Does.Contain("vendor unreachable").And.Contain("onboarding"));
        }

        // Sweeping again changes nothing: the step stays stopped and no second ticket appears.
        await sweeper.RunAsync(CancellationToken.None);
        await Task.Delay(500);
        Assert.That(await CountAsync("SELECT COUNT(*) FROM tickets WHERE dedupe_key = @key"), Is.EqualTo(1));
    }
}
