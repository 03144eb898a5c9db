using System.Net;
using System.Text.Json;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Features.Inbound;
using MimeKit;

namespace LicenceOps.IntegrationTests.Support;

/// <summary>The inbound corpus (Support/Corpus/*.eml) through POST /api/support/inbound-email, with acknowledgements on a real SMTP server.</summary>
public sealed class InboundEmailTests
{
    private SupportKit kit = null!;
    private HttpClient staff = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        kit = await SupportKit.StartAsync();
        staff = await kit.Factory.StaffClientAsync(Roles.StaffAgent);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        kit.Dispose();
    }

    private async Task<JsonElement> TicketAsync(Guid id) => await SupportKit.JsonAsync(await staff.GetAsync($"/api/tickets/{id}"));

    [Test]
    public async Task Multipart_mail_from_a_known_person_opens_a_ticket_with_attachments_and_is_acknowledged_once()
    {
        var fresh = Guid.NewGuid().ToString("N");
        var receipt = await kit.DeliverAsync("multipart-attachments.eml", freshId: fresh);

        Assert.That((receipt.Outcome, receipt.Triage, receipt.Acknowledged), Is.EqualTo((InboundOutcomes.Created, false, true)));
        var ticket = await TicketAsync(receipt.TicketId);
        Assert.That(ticket.GetProperty("tenantId").GetGuid(), Is.EqualTo(DemoData.AcmeTenantId));
        Assert.That(ticket.GetProperty("personId").GetGuid(), Is.EqualTo(Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C03")));
        Assert.That(ticket.GetProperty("subject").GetString(), Is.EqualTo("Problème d'activation Claude"));
        var first = ticket.GetProperty("messages")[0];
        Assert.That(first.GetProperty("bodyText").GetString(), Does.Contain("Capture d'écran et export ci-joints."));
        var files = first.GetProperty("attachments").EnumerateArray().ToDictionary(a => a.GetProperty("fileName").GetString()!, a => a.GetProperty("id").GetGuid());
        Assert.That(files.Keys, Is.EquivalentTo(new[] { "capture.png", "export.csv" }));
        var png = await staff.GetByteArrayAsync($"/api/tickets/{receipt.TicketId}/attachments/{files["capture.png"]}");
        Assert.That(png[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        var csv = await staff.GetStringAsync($"/api/tickets/{receipt.TicketId}/attachments/{files["export.csv"]}");
        Assert.That(csv, Does.Contain("emma.leroy@acme-conseil.fr;Claude"));

        var ack = await kit.Sink.WaitForAsync(m => (m.Subject ?? "").Contains(receipt.Number, StringComparison.Ordinal), "the acknowledgement");
        Assert.Multiple(() =>
        {
            Assert.That(ack.EnvelopeRecipients, Is.EqualTo(new[] { "emma.leroy@acme-conseil.fr" }));
            Assert.That(ack.Message.Subject, Is.EqualTo($"[#{receipt.Number}] Re: Problème d'activation Claude"));
            Assert.That(ack.Message.InReplyTo, Is.EqualTo($"{fresh}.corpus-multipart-1@acme-conseil.fr"));
            Assert.That(ack.Message.References, Does.Contain($"{fresh}.corpus-multipart-1@acme-conseil.fr"));
            Assert.That(ack.Message.Headers["Auto-Submitted"], Is.EqualTo("auto-replied"));
            Assert.That(ack.Message.From.Mailboxes.Single().Address, Is.EqualTo("support@licenceops.local"));
            Assert.That(ack.Message.TextBody, Does.Contain($"numéro {receipt.Number}"));
        });

        var again = await kit.DeliverAsync("multipart-attachments.eml", freshId: fresh);
        Assert.That((again.TicketId, again.Outcome), Is.EqualTo((receipt.TicketId, InboundOutcomes.Duplicate)));
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM ticket_messages WHERE message_id = @id", new { id = $"{fresh}.corpus-multipart-1@acme-conseil.fr" }),
            Is.EqualTo(1));
    }

    [Test]
    public async Task A_reply_threads_by_header_onto_the_ticket_and_an_auto_reply_to_it_is_never_answered()
    {
        var opened = await kit.DeliverAsync("multipart-attachments.eml", freshId: Guid.NewGuid().ToString("N"));
        var ack = await kit.Sink.WaitForAsync(m => (m.Subject ?? "").Contains(opened.Number, StringComparison.Ordinal), "the acknowledgement");
        var ackId = "<" + ack.Message.MessageId + ">";

        var reply = await kit.DeliverAsync("reply-by-header.eml", new Dictionary<string, string> { ["{{ACK_MESSAGE_ID}}"] = ackId }, Guid.NewGuid().ToString("N"));
        Assert.That((reply.TicketId, reply.Outcome, reply.Acknowledged), Is.EqualTo((opened.TicketId, InboundOutcomes.Threaded, false)));

        var mailBefore = await kit.CountAsync("SELECT COUNT(*) FROM mail_outbox");
        var auto = await kit.DeliverAsync("auto-reply.eml", new Dictionary<string, string> { ["{{ACK_MESSAGE_ID}}"] = ackId }, Guid.NewGuid().ToString("N"));
        Assert.That((auto.TicketId, auto.Outcome, auto.Acknowledged), Is.EqualTo((opened.TicketId, InboundOutcomes.Threaded, false)));
        Assert.That(auto.AutomaticReason, Does.StartWith("Auto-Submitted"));
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM mail_outbox"), Is.EqualTo(mailBefore), "no mail answers an auto-reply");

        var ticket = await TicketAsync(opened.TicketId);
        var inbound = ticket.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "inbound").ToList();
        Assert.That(inbound, Has.Count.EqualTo(3));
        Assert.That(inbound[1].GetProperty("bodyText").GetString(), Does.Contain("navigation privée"));
        Assert.That(inbound[2].GetProperty("isAutomatic").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_reply_threads_by_subject_tag_only_for_the_tickets_own_company()
    {
        var opened = await kit.DeliverAsync("html-only.eml", freshId: Guid.NewGuid().ToString("N"));
        var number = opened.Number["T-".Length..];

        var reply = await kit.DeliverAsync("reply-by-subject-tag.eml", new Dictionary<string, string> { ["{{NUMBER}}"] = number }, Guid.NewGuid().ToString("N"));
        Assert.That((reply.TicketId, reply.Outcome), Is.EqualTo((opened.TicketId, InboundOutcomes.Threaded)));

        var stranger = await kit.DeliverAsync("tag-from-stranger.eml", new Dictionary<string, string> { ["{{NUMBER}}"] = number }, Guid.NewGuid().ToString("N"));
        Assert.That(stranger.TicketId, Is.Not.EqualTo(opened.TicketId), "a guessed tag must not write into another company's ticket");
        Assert.That((stranger.Outcome, stranger.Triage), Is.EqualTo((InboundOutcomes.Created, true)));
    }

    [Test]
    public async Task Html_only_mail_is_kept_as_readable_text()
    {
        var receipt = await kit.DeliverAsync("html-only.eml", freshId: Guid.NewGuid().ToString("N"));
        var body = (await TicketAsync(receipt.TicketId)).GetProperty("messages")[0].GetProperty("bodyText").GetString();

        Assert.That(body, Does.Contain("Comment activer le connecteur Outlook dans Copilot ? L’option est grisée."));
        Assert.That(body, Does.Not.Contain("<").And.Not.Contain("alert").And.Not.Contain("color: red"));
    }

    [TestCase("iso-8859-1.eml", "La facture de décembre est arrivée à une adresse erronée", "Facture de décembre", "fr")]
    [TestCase("windows-1252.eml", "We were quoted “30 € per user” for Copilot – that’s not what the invoice says. Grüße,", "Price of the Copilot add-on", "en")]
    public async Task Non_utf8_bodies_are_decoded_with_their_charset_and_answered_in_the_tenants_language(
        string corpus, string expectedBody, string expectedSubject, string language)
    {
        var receipt = await kit.DeliverAsync(corpus);
        var ticket = await TicketAsync(receipt.TicketId);

        Assert.That(ticket.GetProperty("subject").GetString(), Is.EqualTo(expectedSubject));
        Assert.That(ticket.GetProperty("messages")[0].GetProperty("bodyText").GetString(), Does.Contain(expectedBody));
        var ack = await kit.Sink.WaitForAsync(m => (m.Subject ?? "").Contains(receipt.Number, StringComparison.Ordinal), "the acknowledgement");
        Assert.That(ack.Message.TextBody, Does.Contain(language == "fr" ? "Nous avons bien reçu" : "We have received"));
    }

    [Test]
    public async Task An_unknown_sender_goes_to_triage_and_clients_never_see_it()
    {
        var receipt = await kit.DeliverAsync("unknown-domain.eml");
        Assert.That((receipt.Outcome, receipt.Triage, receipt.Acknowledged), Is.EqualTo((InboundOutcomes.Created, true, true)));

        var triage = await SupportKit.JsonAsync(await staff.GetAsync("/api/tickets?triage=true&limit=200"));
        Assert.That(triage.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()), Does.Contain(receipt.TicketId));
        using var client = await kit.Factory.ClientUserAsync(DemoData.AcmeTenantId);
        Assert.That((await client.GetAsync($"/api/tickets/{receipt.TicketId}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Automatic_mail_that_threads_nowhere_is_kept_without_an_answer()
    {
        foreach (var corpus in new[] { "auto-reply-unthreaded.eml", "bounce.eml" })
        {
            var mailBefore = await kit.CountAsync("SELECT COUNT(*) FROM mail_outbox");
            var receipt = await kit.DeliverAsync(corpus, freshId: Guid.NewGuid().ToString("N"));

            Assert.That((receipt.Outcome, receipt.Acknowledged), Is.EqualTo((InboundOutcomes.Created, false)), corpus);
            Assert.That(receipt.AutomaticReason, Is.Not.Null, corpus);
            Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM mail_outbox"), Is.EqualTo(mailBefore), corpus);
            var ticket = await TicketAsync(receipt.TicketId);
            Assert.That(ticket.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Does.Contain("automatic"), corpus);
        }
    }

    [Test]
    public async Task Oversized_malformed_and_unauthenticated_messages_are_refused_and_nothing_is_stored()
    {
        var before = await kit.StateAsync();

        var oversized = await kit.PostRawAsync(SupportKit.CorpusBytes("oversized.eml"));
        var noFrom = await kit.PostRawAsync(SupportKit.CorpusBytes("malformed-no-from.eml"));
        var empty = await kit.PostRawAsync([]);
        var wrongSecret = await kit.PostRawAsync(SupportKit.CorpusBytes("unknown-domain.eml"), "not-the-secret-at-all");
        var noSecret = await kit.PostRawAsync(SupportKit.CorpusBytes("unknown-domain.eml"), null);

        Assert.Multiple(async () =>
        {
            Assert.That(oversized.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(await oversized.Content.ReadAsStringAsync(), Does.Contain("nothing was stored"));
            Assert.That(oversized.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(noFrom.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(await noFrom.Content.ReadAsStringAsync(), Does.Contain("no usable From address"));
            Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(wrongSecret.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(noSecret.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
        Assert.That(await kit.StateAsync(), Is.EqualTo(before));
    }
}
