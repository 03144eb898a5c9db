using System.Net;
using System.Text.Json;
using LicenceOps.Billing.Jobs;
using LicenceOps.IntegrationTests.Billing;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using MimeKit;
using UglyToad.PdfPig;

namespace LicenceOps.IntegrationTests.Mail;

/// <summary>Issued invoices and payment reminders reach the tenant's billing address on a real SMTP server, with the PDF.</summary>
public sealed class InvoiceMailTests
{
    private SmtpSink sink = null!;
    private LicenceOpsFactory factory = null!;
    private BillingWorld world = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => sink = await SmtpSink.StartAsync();

    [OneTimeTearDown]
    public void Stop() => sink.Dispose();

    // A host per test: invoice runs and reminders cover every tenant of the host.
    [SetUp]
    public void NewHost()
    {
        factory = new LicenceOpsFactory(BillingWorld.Settings(sink.Settings()));
        world = new BillingWorld(factory);
    }

    [TearDown]
    public void StopHost() => factory.Dispose();

    private static byte[] PdfOf(MimeMessage message)
    {
        var part = message.Attachments.OfType<MimePart>().Single(a => a.ContentType.MimeType == "application/pdf");
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return buffer.ToArray();
    }

    [Test]
    public async Task An_issued_invoice_and_its_plus_7_reminder_arrive_with_the_pdf()
    {
        var tenant = await world.TenantAsync("Courrier Facture SAS", "FR", null, "732829320");
        await world.SubscriptionAsync(tenant, "OpenAI", "ChatGPT Team", 4, 4, new DateOnly(2026, 9, 1), 25m, "USD", false, 27.50m);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        await BillingWorld.RunAsync(staff, "2026-10", issue: true);
        var invoice = await BillingWorld.InvoiceOfAsync(staff, tenant, "2026-10");
        var number = invoice.GetProperty("number").GetString()!;
        var billingEmail = $"compta@{tenant:N}.example";

        var issued = await sink.WaitForAsync(m => (m.Subject ?? "").StartsWith($"Facture {number} – ", StringComparison.Ordinal), $"invoice {number}");
        Assert.Multiple(() =>
        {
            Assert.That(issued.EnvelopeRecipients, Is.EqualTo(new[] { billingEmail }));
            Assert.That(issued.Message.TextBody, Does.Contain(number).And.Contain("132,00\u00A0€"));
            Assert.That(issued.Message.HtmlBody, Does.Contain(number));
            Assert.That(issued.Message.MessageId, Is.Not.Empty);
            Assert.That(issued.Message.Attachments.OfType<MimePart>().Single().FileName, Is.EqualTo($"{number}.pdf"));
        });
        using (var pdf = PdfDocument.Open(PdfOf(issued.Message)))
        {
            var text = string.Join(" ", pdf.GetPages().Select(p => p.Text));
            Assert.That(text, Does.Contain(number));
        }

        // Due 30 days after issue (23/11 + 30 = 23/12); +7 days later the collections job reminds, and the mail goes out.
        var job = factory.Service<CollectionsJob>();
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 30, 9, 0, 0, TimeSpan.Zero));
        Assert.That((await job.RunAsync(CancellationToken.None)).RemindersPublished, Is.EqualTo(1));
        var reminder = await sink.WaitForAsync(m => m.Subject == $"Rappel : facture {number} impayée", "+7 reminder");
        Assert.Multiple(() =>
        {
            Assert.That(reminder.EnvelopeRecipients, Is.EqualTo(new[] { billingEmail }));
            Assert.That(reminder.Message.TextBody, Does.Contain("depuis 7 jours").And.Contain("132,00\u00A0€"));
            Assert.That(reminder.Message.Headers["X-LicenceOps-Days-Overdue"], Is.EqualTo("7"));
            Assert.That(PdfOf(reminder.Message)[..4], Is.EqualTo("%PDF"u8.ToArray()));
        });
        Assert.That((await job.RunAsync(CancellationToken.None)).RemindersPublished, Is.Zero, "one reminder per threshold");

        var id = invoice.GetProperty("id").GetGuid();
        await Eventually.UntilAsync(async () =>
        {
            var log = (await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenant}/invoices/{id}/mail"))).GetProperty("items");
            return log.GetArrayLength() == 2 && log.EnumerateArray().All(m => m.GetProperty("status").GetString() == "sent");
        }, TimeSpan.FromSeconds(30), "the invoice shows both mails as sent");
        using var otherClient = await factory.ClientUserAsync(Guid.NewGuid());
        Assert.That((await otherClient.GetAsync($"/api/tenants/{tenant}/invoices/{id}/mail")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var ownClient = await factory.ClientUserAsync(tenant, Roles.ClientViewer);
        Assert.That((await ownClient.GetAsync($"/api/tenants/{tenant}/invoices/{id}/mail")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_invoice_whose_billing_address_is_refused_shows_the_failure()
    {
        var tenant = Guid.NewGuid();
        await world.PublishAsync(new LicenceOps.Contracts.Tenants.TenantProfileChanged(tenant, "Adresse Refusée GmbH", null, null, "DE129273398", "DE",
            "Hauptstraße 1", null, "10115", "Berlin", "reject.invoices@refused.example", "active", BillingWorld.LongAgo));
        await Eventually.UntilAsync(async () => await world.CountAsync("SELECT COUNT(*) FROM billing_tenants WHERE tenant_id = @tenant", new { tenant }) == 1);
        await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 2, 2, new DateOnly(2026, 9, 1), 25m, "USD", false, 28m);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        await BillingWorld.RunAsync(staff, "2026-09", issue: true);
        var id = (await BillingWorld.InvoiceOfAsync(staff, tenant, "2026-09")).GetProperty("id").GetGuid();

        JsonElement failed = default;
        await Eventually.UntilAsync(async () =>
        {
            var log = (await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenant}/invoices/{id}/mail"))).GetProperty("items");
            failed = log.EnumerateArray().SingleOrDefault();
            return failed.ValueKind == JsonValueKind.Object && failed.GetProperty("status").GetString() == "failed";
        }, TimeSpan.FromSeconds(30), "the refusal is recorded on the invoice");
        Assert.That(failed.GetProperty("lastError").GetString(), Does.Contain("550"));
        Assert.That(failed.GetProperty("subject").GetString(), Does.StartWith("Invoice "), "a German client is written to in English");
    }

    [Test]
    public async Task Billing_staff_resend_a_failed_invoice_mail_once_its_address_accepts_mail()
    {
        var tenant = Guid.NewGuid();
        const string address = "reject.resend@refused.example";
        await world.PublishAsync(new LicenceOps.Contracts.Tenants.TenantProfileChanged(tenant, "Renvoi Facture SAS", null, null, "FR40303265045", "FR",
            "1 rue de la Paix", null, "75002", "Paris", address, "active", BillingWorld.LongAgo));
        await Eventually.UntilAsync(async () => await world.CountAsync("SELECT COUNT(*) FROM billing_tenants WHERE tenant_id = @tenant", new { tenant }) == 1);
        await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 2, 2, new DateOnly(2026, 9, 1), 25m, "USD", false, 28m);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        await BillingWorld.RunAsync(staff, "2026-09", issue: true);
        var id = (await BillingWorld.InvoiceOfAsync(staff, tenant, "2026-09")).GetProperty("id").GetGuid();
        JsonElement mail = default;
        await Eventually.UntilAsync(async () =>
        {
            mail = (await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenant}/invoices/{id}/mail"))).GetProperty("items").EnumerateArray().SingleOrDefault();
            return mail.ValueKind == JsonValueKind.Object && mail.GetProperty("status").GetString() == "failed";
        }, TimeSpan.FromSeconds(30), "the refusal is recorded on the invoice");
        var mailId = mail.GetProperty("id").GetGuid();
        var resend = $"/api/tenants/{tenant}/invoices/{id}/mail/{mailId}/resend";

        // Another tenant's path, an unknown mail, a client user, an agent without billing rights: nothing changes.
        Assert.That((await staff.PostAsync($"/api/tenants/{Guid.NewGuid()}/invoices/{id}/mail/{mailId}/resend", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await staff.PostAsync($"/api/tenants/{tenant}/invoices/{id}/mail/{Guid.NewGuid()}/resend", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var client = await factory.ClientUserAsync(tenant, Roles.ClientAdmin);
        Assert.That((await client.PostAsync(resend, null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var agent = await factory.StaffClientAsync(Roles.StaffAgent);
        Assert.That((await agent.PostAsync(resend, null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenant}/invoices/{id}/mail"))).GetProperty("items").EnumerateArray().Single()
            .GetProperty("status").GetString(), Is.EqualTo("failed"));

        sink.Accept(address);
        var queued = await staff.PostAsync(resend, null);
        Assert.That(queued.StatusCode, Is.EqualTo(HttpStatusCode.OK), await queued.Content.ReadAsStringAsync());
        var arrived = await sink.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == address), "the resent invoice");
        Assert.That(PdfOf(arrived.Message), Is.Not.Empty, "with its PDF");
        await Eventually.UntilAsync(async () => (await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenant}/invoices/{id}/mail")))
            .GetProperty("items").EnumerateArray().Single().GetProperty("status").GetString() == "sent", TimeSpan.FromSeconds(30), "the invoice shows the mail sent");

        var again = await staff.PostAsync(resend, null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(again.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }
}
