using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.Contracts.Seats;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;
using MassTransit;

namespace LicenceOps.IntegrationTests.Support;

/// <summary>Seats' attention events open one ticket per situation, in the event's tenant, with the person and seat when known.</summary>
public sealed class SeatsEventTicketTests
{
    private static SupportKit kit = null!;

    [OneTimeSetUp]
    public static async Task Start()
    {
        kit = await SupportKit.StartAsync();
        await Eventually.UntilAsync(async () => await kit.CountAsync("SELECT COUNT(*) FROM support_tenants WHERE legal_name <> ''") >= 2,
            TimeSpan.FromSeconds(60), "tenant profiles reach Support");
    }

    [OneTimeTearDown]
    public static void Stop() => kit.Dispose();

    private static async Task<Guid> PersonIdAsync(string email)
    {
        await using var connection = await kit.Database.OpenAsync();
        return Guid.Parse(await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection,
            "SELECT person_id FROM support_people WHERE email = @email", new { email }) ?? throw new InvalidOperationException(email));
    }

    private static async Task<JsonElement> TicketByKeyAsync(string key, int notes)
    {
        await Eventually.UntilAsync(async () => await kit.CountAsync(
                "SELECT COUNT(*) FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.dedupe_key = @key", new { key }) == notes,
            TimeSpan.FromSeconds(60), $"{notes} note(s) on the ticket {key}");
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM tickets WHERE dedupe_key = @key", new { key }), Is.EqualTo(1), "one ticket per situation");
        await using var connection = await kit.Database.OpenAsync();
        var id = await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT id FROM tickets WHERE dedupe_key = @key", new { key });
        using var agent = await kit.Factory.StaffClientAsync(Roles.StaffAgent);
        return await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{id}"));
    }

    [Test]
    public async Task A_wrong_account_activation_opens_one_high_access_ticket_per_seat_for_the_person_of_the_tenant()
    {
        var bus = kit.Factory.Service<IBus>();
        var emma = await PersonIdAsync("emma.leroy@acme-conseil.fr");
        var seat = Guid.NewGuid();
        var at = kit.Factory.Clock.GetUtcNow();
        WrongAccountActivationDetected Finding() => new(Guid.NewGuid(), DemoData.AcmeTenantId, Guid.NewGuid(), seat, emma, "OpenAI",
            "emma.leroy@gmail.com", "emma.leroy@acme-conseil.fr", "personal account", at);
        await bus.Publish(Finding());
        await bus.Publish(Finding());

        var ticket = await TicketByKeyAsync($"wrong-account:{seat:D}", notes: 2);
        Assert.That(ticket.GetProperty("category").GetString(), Is.EqualTo("access_or_activation"));
        Assert.That(ticket.GetProperty("priority").GetString(), Is.EqualTo("high"));
        Assert.That(ticket.GetProperty("tenantId").GetGuid(), Is.EqualTo(DemoData.AcmeTenantId));
        Assert.That(ticket.GetProperty("personId").GetGuid(), Is.EqualTo(emma));
        Assert.That(ticket.GetProperty("seatId").GetGuid(), Is.EqualTo(seat));
        Assert.That(ticket.GetProperty("messages")[0].GetProperty("bodyText").GetString(), Does.Contain("emma.leroy@gmail.com"));

        // Without a seat the finding names the ticket.
        var finding = Guid.NewGuid();
        await bus.Publish(new WrongAccountActivationDetected(finding, DemoData.AcmeTenantId, Guid.NewGuid(), null, null, "Anthropic",
            "someone@elsewhere.example", null, "unknown member", at));
        var bySeatless = await TicketByKeyAsync($"wrong-account:{finding:D}", notes: 1);
        Assert.That(bySeatless.GetProperty("seatId").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task A_finding_needing_the_client_opens_one_normal_ticket_that_only_its_tenant_sees()
    {
        var bus = kit.Factory.Service<IBus>();
        var finding = Guid.NewGuid();
        var message = new ReconciliationFindingNeedsClient(finding, DemoData.NordwindTenantId, "shadow_user",
            "ChatGPT: anna.weber@nordwind-logistik.de has no seat of ours", "Ask the client whether to keep or remove the member", 25m,
            kit.Factory.Clock.GetUtcNow());
        await bus.Publish(message);
        await bus.Publish(message with { DetectedAt = message.DetectedAt.AddDays(1) });

        var ticket = await TicketByKeyAsync($"finding:{finding:D}", notes: 2);
        Assert.That(ticket.GetProperty("category").GetString(), Is.EqualTo("other"));
        Assert.That(ticket.GetProperty("priority").GetString(), Is.EqualTo("normal"));
        Assert.That(ticket.GetProperty("tenantId").GetGuid(), Is.EqualTo(DemoData.NordwindTenantId));
        Assert.That(ticket.GetProperty("messages")[0].GetProperty("bodyText").GetString(), Does.Contain("25.00 EUR"));
        var id = ticket.GetProperty("id").GetGuid();

        using var nordwind = await kit.Factory.ClientUserAsync(DemoData.NordwindTenantId, Roles.ClientViewer);
        Assert.That((await nordwind.GetAsync($"/api/tickets/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var acme = await kit.Factory.ClientUserAsync(DemoData.AcmeTenantId, Roles.ClientViewer);
        Assert.That((await acme.GetAsync($"/api/tickets/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another tenant's ticket");
    }

    [Test]
    public async Task A_step_needing_attention_opens_one_ticket_and_a_person_of_another_tenant_is_not_linked()
    {
        var bus = kit.Factory.Service<IBus>();
        var step = Guid.NewGuid();
        var katrin = await PersonIdAsync("katrin.schulz@nordwind-logistik.de");
        var message = new TransferStepNeedsAttention(step, Guid.NewGuid(), DemoData.AcmeTenantId, katrin, null, "offboarding", "revoke_access",
            "revoke_access failed after 5 attempt(s): OpenAI DELETE /v1/organization/users/{id} failed: HTTP 503", kit.Factory.Clock.GetUtcNow());
        await bus.Publish(message);
        await bus.Publish(message);

        // Each publish is a new bus message (a second occurrence): it adds a note, never a ticket.
        var ticket = await TicketByKeyAsync($"transfer-step:{step:D}", notes: 2);
        Assert.That(ticket.GetProperty("category").GetString(), Is.EqualTo("access_or_activation"));
        Assert.That(ticket.GetProperty("priority").GetString(), Is.EqualTo("high"));
        Assert.That(ticket.GetProperty("tenantId").GetGuid(), Is.EqualTo(DemoData.AcmeTenantId));
        Assert.That(ticket.GetProperty("personId").ValueKind, Is.EqualTo(JsonValueKind.Null), "Katrin is Nordwind's, not Acme's");
        Assert.That(ticket.GetProperty("requesterEmail").GetString(), Is.EqualTo($"factures@{DemoData.AcmeDomain}"));
        Assert.That(ticket.GetProperty("messages")[0].GetProperty("bodyText").GetString(), Does.Contain("HTTP 503"));

        // A resolved ticket whose situation comes back (a new message id: the step failed again after a retry) reopens.
        using var agent = await kit.Factory.StaffClientAsync(Roles.StaffAgent);
        var id = ticket.GetProperty("id").GetGuid();
        var resolved = await agent.PatchAsJsonAsync($"/api/tickets/{id}", new { status = "resolved" });
        Assert.That(resolved.IsSuccessStatusCode, Is.True, await resolved.Content.ReadAsStringAsync());
        await bus.Publish(message with { OccurredAt = message.OccurredAt.AddHours(1) });
        var reopened = await TicketByKeyAsync($"transfer-step:{step:D}", notes: 3);
        Assert.That(reopened.GetProperty("status").GetString(), Is.EqualTo("open"));
    }
}
