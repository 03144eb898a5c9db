using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Support;

/// <summary>Staff resend a ticket's failed mail once its cause is fixed: failed → pending → sent, once, audited.</summary>
public sealed class ResendMailTests
{
    [Test]
    public async Task A_failed_reply_is_resent_once_after_the_mailbox_is_fixed()
    {
        using var kit = await SupportKit.StartAsync();
        using var agent = await kit.Factory.StaffClientAsync(Roles.StaffAgent);
        using var acme = await kit.Factory.ClientUserAsync(DemoData.AcmeTenantId, Roles.ClientAdmin);
        const string requester = "reject-resend@acme-conseil.fr";
        var ticket = await SupportKit.JsonAsync(await agent.PostAsJsonAsync("/api/tickets",
            new { subject = "Accès bloqué", body = "Appel du client.", tenantId = DemoData.AcmeTenantId, requesterEmail = requester }));
        var id = ticket.GetProperty("id").GetGuid();
        (await agent.PostAsJsonAsync($"/api/tickets/{id}/messages", new { body = "Nous regardons votre accès." })).EnsureSuccessStatusCode();

        JsonElement delivery = default;
        await Eventually.UntilAsync(async () =>
        {
            var view = await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{id}"));
            delivery = view.GetProperty("messages").EnumerateArray().Last().GetProperty("delivery");
            return delivery.ValueKind == JsonValueKind.Object && delivery.GetProperty("status").GetString() == "failed";
        }, TimeSpan.FromSeconds(30), "the 550 refusal marks the reply failed");
        var mailId = delivery.GetProperty("id").GetGuid();
        var before = await kit.StateAsync();

        // Refusals change nothing: a client, an unknown mail, another ticket's id, a ticket that does not exist.
        Assert.That((await acme.PostAsync($"/api/tickets/{id}/mail/{mailId}/resend", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        await ProblemAsync(await agent.PostAsync($"/api/tickets/{id}/mail/{Guid.NewGuid()}/resend", null), HttpStatusCode.NotFound);
        var other = await SupportKit.JsonAsync(await agent.PostAsJsonAsync("/api/tickets",
            new { subject = "Autre", body = "Autre.", tenantId = DemoData.AcmeTenantId, requesterEmail = "sophie.bernard@acme-conseil.fr" }));
        var afterOther = await kit.StateAsync();
        await ProblemAsync(await agent.PostAsync($"/api/tickets/{other.GetProperty("id").GetGuid()}/mail/{mailId}/resend", null), HttpStatusCode.NotFound);
        await ProblemAsync(await agent.PostAsync($"/api/tickets/{Guid.NewGuid()}/mail/{mailId}/resend", null), HttpStatusCode.NotFound);
        Assert.That(await kit.StateAsync(), Is.EqualTo(afterOther));
        Assert.That(before, Is.Not.EqualTo(afterOther), "the state probe sees changes");

        kit.Sink.Accept(requester);
        var resent = await agent.PostAsync($"/api/tickets/{id}/mail/{mailId}/resend", null);
        Assert.That(resent.StatusCode, Is.EqualTo(HttpStatusCode.OK), await resent.Content.ReadAsStringAsync());
        var queued = await SupportKit.JsonAsync(resent);
        Assert.That(queued.GetProperty("status").GetString(), Is.EqualTo("pending"));
        Assert.That(queued.GetProperty("attempts").GetInt32(), Is.Zero, "a fresh series of attempts");

        var arrived = await kit.Sink.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == requester), "the resent reply");
        Assert.That(arrived.Message.MessageId, Is.EqualTo(delivery.GetProperty("messageId").GetString()!.Trim('<', '>')), "same Message-Id as the failed one");
        await Eventually.UntilAsync(async () =>
        {
            var view = await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{id}"));
            return view.GetProperty("messages").EnumerateArray().Last().GetProperty("delivery").GetProperty("status").GetString() == "sent";
        }, TimeSpan.FromSeconds(30), "the ticket shows the mail sent");

        var again = await agent.PostAsync($"/api/tickets/{id}/mail/{mailId}/resend", null);
        var problem = await ProblemAsync(again, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("sent, not failed"));
        Assert.That(kit.Sink.All().Count(r => r.Message.To.Mailboxes.Any(a => a.Address == requester)), Is.EqualTo(1), "resent once");
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'mail' AND action = 'resend'"), Is.EqualTo(1));
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return JsonDocument.Parse(text).RootElement;
    }
}
