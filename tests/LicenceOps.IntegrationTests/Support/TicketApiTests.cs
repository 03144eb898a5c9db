using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Support;

/// <summary>/api/tickets: agents see and answer everything (replies leave by SMTP, threaded); a client user only its own tenant's tickets.</summary>
public sealed class TicketApiTests
{
    private SupportKit kit = null!;
    private HttpClient agent = null!;
    private HttpClient acme = null!;
    private HttpClient acmeViewer = null!;
    private HttpClient nordwind = null!;
    private Guid acmeTicket, nordwindTicket, triageTicket;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        kit = await SupportKit.StartAsync();
        agent = await kit.Factory.StaffClientAsync(Roles.StaffAgent);
        acme = await kit.Factory.ClientUserAsync(DemoData.AcmeTenantId, Roles.ClientAdmin);
        acmeViewer = await kit.Factory.ClientUserAsync(DemoData.AcmeTenantId, Roles.ClientViewer);
        nordwind = await kit.Factory.ClientUserAsync(DemoData.NordwindTenantId, Roles.ClientAdmin);
        await Eventually.UntilAsync(async () => await kit.CountAsync("SELECT COUNT(*) FROM support_tenants WHERE legal_name <> ''") >= 2,
            TimeSpan.FromSeconds(60), "tenant profiles reach Support");
        acmeTicket = (await kit.DeliverAsync("multipart-attachments.eml")).TicketId;
        nordwindTicket = (await kit.DeliverAsync("windows-1252.eml")).TicketId;
        triageTicket = (await kit.DeliverAsync("unknown-domain.eml")).TicketId;
    }

    [OneTimeTearDown]
    public void Stop()
    {
        foreach (var client in new[] { agent, acme, acmeViewer, nordwind })
        {
            client.Dispose();
        }

        kit.Dispose();
    }

    [Test]
    public async Task Demo_data_holds_tickets_in_several_states_including_triage()
    {
        var page = await SupportKit.JsonAsync(await agent.GetAsync("/api/tickets?limit=200"));
        var demo = page.GetProperty("items").EnumerateArray().ToList();
        Assert.That(demo.Select(t => t.GetProperty("status").GetString()), Is.SupersetOf(new[] { "new", "waiting_on_customer", "resolved" }));
        Assert.That(demo.Any(t => t.GetProperty("triage").GetBoolean()), Is.True);
    }

    [Test]
    public async Task Client_users_see_only_their_tenants_tickets_on_every_route()
    {
        var list = await SupportKit.JsonAsync(await acme.GetAsync("/api/tickets?limit=200"));
        var ids = list.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
        Assert.That(ids, Does.Contain(acmeTicket).And.Not.Contain(nordwindTicket).And.Not.Contain(triageTicket));
        Assert.That(list.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("tenantId").GetGuid()), Is.All.EqualTo(DemoData.AcmeTenantId));
        var filtered = await SupportKit.JsonAsync(await acme.GetAsync($"/api/tickets?tenantId={DemoData.NordwindTenantId}"));
        Assert.That(filtered.GetProperty("items").GetArrayLength(), Is.Zero, "a tenant filter cannot widen a client's view");

        var attachment = (await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{acmeTicket}")))
            .GetProperty("messages")[0].GetProperty("attachments")[0].GetProperty("id").GetGuid();
        foreach (var other in new[] { nordwindTicket, triageTicket, Guid.NewGuid() })
        {
            Assert.Multiple(async () =>
            {
                Assert.That((await acme.GetAsync($"/api/tickets/{other}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
                Assert.That((await acme.PostAsJsonAsync($"/api/tickets/{other}/messages", new { body = "hello" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
                Assert.That((await acme.GetAsync($"/api/tickets/{other}/attachments/{attachment}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            });
        }

        Assert.That((await nordwind.GetAsync($"/api/tickets/{acmeTicket}/attachments/{attachment}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await nordwind.GetAsync($"/api/tickets/{acmeTicket}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await acme.GetAsync($"/api/tickets/{acmeTicket}/attachments/{attachment}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await acmeViewer.GetAsync($"/api/tickets/{acmeTicket}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Staff_only_operations_are_forbidden_to_clients_and_change_nothing()
    {
        var before = await kit.StateAsync();
        Assert.Multiple(async () =>
        {
            Assert.That((await acme.PatchAsJsonAsync($"/api/tickets/{acmeTicket}", new { status = "closed" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await acme.PostAsJsonAsync($"/api/tickets/{acmeTicket}/notes", new { body = "x" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await acme.PostAsJsonAsync($"/api/tickets/{acmeTicket}/messages", new { body = "x", status = "resolved" })).StatusCode,
                Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await acme.PostAsJsonAsync("/api/tickets", new { subject = "s", body = "b", tenantId = DemoData.NordwindTenantId })).StatusCode,
                Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await agent.PostAsJsonAsync("/api/tickets", new { subject = "", body = "b", requesterEmail = "nope" })).StatusCode,
                Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await agent.PatchAsJsonAsync($"/api/tickets/{acmeTicket}", new { priority = "whenever" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await agent.PatchAsJsonAsync($"/api/tickets/{triageTicket}", new { tenantId = Guid.NewGuid() })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That((await agent.GetAsync("/api/tickets?cursor=abc")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });
        Assert.That(await kit.StateAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task An_agent_reply_leaves_by_smtp_threaded_on_the_clients_mail_and_notes_stay_internal()
    {
        var opened = await kit.DeliverAsync("html-only.eml");
        var ack = await kit.Sink.WaitForAsync(m => (m.Subject ?? "").Contains(opened.Number, StringComparison.Ordinal), "acknowledgement");

        var note = await agent.PostAsJsonAsync($"/api/tickets/{opened.TicketId}/notes", new { body = "Client connu, voir ticket précédent." });
        Assert.That(note.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var replied = await SupportKit.JsonAsync(await agent.PostAsJsonAsync($"/api/tickets/{opened.TicketId}/messages",
            new { body = "Bonjour Lucas,\nl'option se débloque dans le centre d'administration Microsoft 365." }));
        Assert.That(replied.GetProperty("status").GetString(), Is.EqualTo("waiting_on_customer"));
        Assert.That(replied.GetProperty("firstResponseAt").ValueKind, Is.Not.EqualTo(JsonValueKind.Null));

        var reply = await kit.Sink.WaitForAsync(m => (m.TextBody ?? "").Contains("centre d'administration", StringComparison.Ordinal), "agent reply");
        Assert.Multiple(() =>
        {
            Assert.That(reply.EnvelopeRecipients, Is.EqualTo(new[] { "lucas.petit@acme-conseil.fr" }));
            Assert.That(reply.Message.Subject, Is.EqualTo($"[#{opened.Number}] Re: Connecteur Outlook dans Copilot"));
            Assert.That(reply.Message.InReplyTo, Is.EqualTo("corpus-html-only-1@acme-conseil.fr"), "answers the client's own message");
            Assert.That(reply.Message.References, Is.EqualTo(new[] { "corpus-html-only-1@acme-conseil.fr", ack.Message.MessageId }));
            Assert.That(reply.Message.Headers.Contains("Auto-Submitted"), Is.False);
            Assert.That(reply.Message.TextBody, Does.Not.Contain("voir ticket précédent"));
        });

        // The client answers the agent's reply: it threads on its Message-Id and the ball is back with the hotline.
        var answer = $"""
            From: Lucas Petit <lucas.petit@acme-conseil.fr>
            To: support@licenceops.local
            Subject: Re: {reply.Message.Subject}
            Message-ID: <answer-{Guid.NewGuid():N}@acme-conseil.fr>
            In-Reply-To: <{reply.Message.MessageId}>
            Content-Type: text/plain; charset=utf-8

            Merci, c'est réglé.
            """;
        var threaded = await SupportKit.JsonAsync(await kit.PostRawAsync(System.Text.Encoding.UTF8.GetBytes(answer.ReplaceLineEndings("\r\n"))));
        Assert.That(threaded.GetProperty("ticketId").GetGuid(), Is.EqualTo(opened.TicketId));

        var clientView = await SupportKit.JsonAsync(await acme.GetAsync($"/api/tickets/{opened.TicketId}"));
        var kinds = clientView.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("kind").GetString()).ToList();
        Assert.That(kinds, Does.Not.Contain("note"));
        Assert.That(clientView.GetProperty("status").GetString(), Is.EqualTo("open"));
        var staffView = await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{opened.TicketId}"));
        Assert.That(staffView.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("kind").GetString() == "note"), Is.EqualTo(1));
        await Eventually.UntilAsync(async () =>
        {
            var view = await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{opened.TicketId}"));
            return view.GetProperty("messages").EnumerateArray()
                .Where(m => m.GetProperty("kind").GetString() == "outbound")
                .All(m => m.GetProperty("delivery").GetProperty("status").GetString() == "sent");
        }, TimeSpan.FromSeconds(30), "each outbound message shows its delivery");
    }

    [Test]
    public async Task A_client_opens_and_answers_its_own_ticket_and_a_failed_reply_is_visible_on_the_ticket()
    {
        var created = await SupportKit.JsonAsync(await acme.PostAsJsonAsync("/api/tickets",
            new { subject = "Besoin d'un siège Claude", body = "Pour notre nouvelle recrue.", category = "seat_request" }));
        var id = created.GetProperty("id").GetGuid();
        Assert.That(created.GetProperty("tenantId").GetGuid(), Is.EqualTo(DemoData.AcmeTenantId));
        Assert.That(created.GetProperty("number").GetString(), Does.Match(@"^T-\d+$"));

        // The requester's mailbox refuses mail (the test server answers 550): the failure shows on the ticket.
        var patched = await agent.PatchAsJsonAsync($"/api/tickets/{id}", new { assignedAgent = "agent@reseller.example", tags = new[] { "claude", "Onboarding" } });
        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var staffCreated = await SupportKit.JsonAsync(await agent.PostAsJsonAsync("/api/tickets",
            new { subject = "Appel téléphonique", body = "Le client signale un accès bloqué.", tenantId = DemoData.AcmeTenantId, requesterEmail = "reject-me@acme-conseil.fr", priority = "high" }));
        var staffTicket = staffCreated.GetProperty("id").GetGuid();
        await agent.PostAsJsonAsync($"/api/tickets/{staffTicket}/messages", new { body = "Nous regardons." });
        await Eventually.UntilAsync(async () =>
        {
            var view = await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{staffTicket}"));
            var delivery = view.GetProperty("messages").EnumerateArray().Last().GetProperty("delivery");
            return delivery.GetProperty("status").GetString() == "failed" && delivery.GetProperty("lastError").GetString()!.Contains("550", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "a refused recipient fails for good, visibly");

        var answered = await acmeViewer.PostAsJsonAsync($"/api/tickets/{id}/messages", new { body = "Elle arrive lundi." });
        Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var tagged = await SupportKit.JsonAsync(await agent.GetAsync("/api/tickets?tag=onboarding"));
        Assert.That(tagged.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()), Is.EqualTo(new[] { id }));
    }
}
