using System.Net.Http.Json;
using LicenceOps.Contracts.Billing;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Jobs;
using MassTransit;

namespace LicenceOps.IntegrationTests.Support;

/// <summary>The SLA sweep with a moved clock (weekend, French public holiday), escalation by mail, and tickets opened once by billing events.</summary>
public sealed class SlaAndEventTicketTests
{
    private static DateTimeOffset Paris(int month, int day, int hour, int minute = 0, int year = 2026)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, ParisCalendar.Zone.GetUtcOffset(local));
    }

    [Test]
    public async Task An_urgent_ticket_sent_on_friday_evening_breaches_on_monday_morning_and_escalates_once()
    {
        using var kit = await SupportKit.StartAsync(Paris(11, 27, 17, 30));
        using var agent = await kit.Factory.StaffClientAsync(Roles.StaffAgent);
        var ticket = await SupportKit.JsonAsync(await agent.PostAsJsonAsync("/api/tickets", new
        {
            subject = "Tout le service ne peut plus se connecter à Copilot",
            body = "Urgent.",
            tenantId = DemoData.AcmeTenantId,
            requesterEmail = "sophie.bernard@acme-conseil.fr",
            priority = "urgent",
        }));
        var id = ticket.GetProperty("id").GetGuid();
        // 30 minutes on Friday, the weekend does not count: first response due Monday 09:30 Paris.
        Assert.That(ticket.GetProperty("firstResponseDue").GetDateTimeOffset(), Is.EqualTo(Paris(11, 30, 9, 30)));

        var job = kit.Factory.Service<SlaSweepJob>();
        kit.Factory.Clock.SetUtcNow(Paris(11, 29, 23, 0));
        await job.RunAsync(CancellationToken.None);
        Assert.That(await StateAsync(agent, id), Is.EqualTo("ok"), "Sunday night: no business time has passed since Friday 18:00");

        kit.Factory.Clock.SetUtcNow(Paris(11, 30, 9, 20));
        await job.RunAsync(CancellationToken.None);
        Assert.That(await StateAsync(agent, id), Is.EqualTo("at_risk"));

        kit.Factory.Clock.SetUtcNow(Paris(11, 30, 9, 31));
        var result = await job.RunAsync(CancellationToken.None);
        Assert.That(result.Escalated, Is.EqualTo(1));
        Assert.That((await job.RunAsync(CancellationToken.None)).Escalated, Is.Zero, "escalates once");
        var view = await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{id}"));
        Assert.That(view.GetProperty("slaState").GetString(), Is.EqualTo("breached"));
        Assert.That(view.GetProperty("escalatedAt").GetDateTimeOffset(), Is.EqualTo(Paris(11, 30, 9, 31)));
        Assert.That(view.GetProperty("messages").EnumerateArray().Last().GetProperty("bodyText").GetString(), Does.StartWith("SLA breached: first response"));
        var escalation = await kit.Sink.WaitForAsync(m => (m.Subject ?? "").StartsWith("[SLA]", StringComparison.Ordinal), "escalation mail");
        Assert.That(escalation.EnvelopeRecipients, Is.EqualTo(new[] { SupportKit.EscalationEmail }));
    }

    [Test]
    public async Task The_armistice_holiday_is_not_business_time_and_an_answer_in_time_meets_the_first_response_target()
    {
        // The test clock only moves forward from 23/11/2026: Armistice 2027 falls on a Thursday.
        using var kit = await SupportKit.StartAsync(Paris(11, 10, 17, 0, 2027));
        var receipt = await kit.DeliverAsync("unknown-domain.eml");
        using var agent = await kit.Factory.StaffClientAsync(Roles.StaffAgent);
        var ticket = await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{receipt.TicketId}"));
        // Normal priority: 8 business hours. Wednesday 17:00–18:00, Thursday 11/11 is a holiday, then 7 h on Friday.
        Assert.That(ticket.GetProperty("firstResponseDue").GetDateTimeOffset(), Is.EqualTo(Paris(11, 12, 16, 0, 2027)));

        var job = kit.Factory.Service<SlaSweepJob>();
        kit.Factory.Clock.SetUtcNow(Paris(11, 11, 17, 0, 2027));
        await job.RunAsync(CancellationToken.None);
        Assert.That(await StateAsync(agent, receipt.TicketId), Is.EqualTo("ok"), "a whole holiday later, 7 business hours remain");

        kit.Factory.Clock.SetUtcNow(Paris(11, 12, 15, 0, 2027));
        await job.RunAsync(CancellationToken.None);
        Assert.That(await StateAsync(agent, receipt.TicketId), Is.EqualTo("at_risk"));

        (await agent.PostAsJsonAsync($"/api/tickets/{receipt.TicketId}/messages", new { body = "Nous vous envoyons un devis.", status = "open" })).EnsureSuccessStatusCode();
        kit.Factory.Clock.SetUtcNow(Paris(11, 12, 16, 30, 2027));
        await job.RunAsync(CancellationToken.None);
        Assert.That(await StateAsync(agent, receipt.TicketId), Is.EqualTo("ok"), "answered before 16:00; resolution is due later");
    }

    [Test]
    public async Task Billing_events_open_one_ticket_per_situation_never_a_duplicate()
    {
        using var kit = await SupportKit.StartAsync();
        await Eventually.UntilAsync(async () => await kit.CountAsync("SELECT COUNT(*) FROM support_tenants WHERE legal_name <> ''") >= 2,
            TimeSpan.FromSeconds(60), "tenant profiles reach Support");
        var bus = kit.Factory.Service<IBus>();
        var invoice = Guid.NewGuid();
        var at = kit.Factory.Clock.GetUtcNow();
        await bus.Publish(new PaymentFailed(invoice, DemoData.AcmeTenantId, "F-2026-000123", "insufficient_funds", at));
        await bus.Publish(new PaymentFailed(invoice, DemoData.AcmeTenantId, "F-2026-000123", "insufficient_funds", at.AddDays(3)));
        await bus.Publish(new InvoicePaymentReminderDue(invoice, DemoData.AcmeTenantId, "F-2026-000123", 7, new DateOnly(2026, 10, 31), 330m, "EUR", "compta@acme-conseil.fr", at));
        await bus.Publish(new InvoicePaymentReminderDue(invoice, DemoData.AcmeTenantId, "F-2026-000123", 30, new DateOnly(2026, 10, 31), 330m, "EUR", "compta@acme-conseil.fr", at));
        await bus.Publish(new InvoicePaymentReminderDue(invoice, DemoData.AcmeTenantId, "F-2026-000123", 30, new DateOnly(2026, 10, 31), 330m, "EUR", "compta@acme-conseil.fr", at));

        await Eventually.UntilAsync(async () =>
            await kit.CountAsync("SELECT COUNT(*) FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.source = 'event'") == 4,
            TimeSpan.FromSeconds(60), "four notes: two payment failures on one ticket, two +30 reminders on another");
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM tickets WHERE dedupe_key = @key", new { key = $"payment-failed:{invoice:D}" }), Is.EqualTo(1));
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM tickets WHERE dedupe_key = @key", new { key = $"unpaid-30:{invoice:D}" }), Is.EqualTo(1));
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM tickets WHERE source = 'event'"), Is.EqualTo(2), "the +7 reminder is mail only");

        using var client = await kit.Factory.ClientUserAsync(DemoData.AcmeTenantId, Roles.ClientViewer);
        var visible = await SupportKit.JsonAsync(await client.GetAsync("/api/tickets?category=billing_question"));
        var mine = visible.GetProperty("items").EnumerateArray().Where(t => t.GetProperty("subject").GetString()!.Contains("F-2026-000123", StringComparison.Ordinal)).ToList();
        Assert.That(mine, Has.Count.EqualTo(2));
        Assert.That(mine.Select(t => t.GetProperty("requesterEmail").GetString()), Is.All.EqualTo($"factures@{DemoData.AcmeDomain}"),
            "the event ticket's requester is the tenant's billing contact from Support's read copy");
    }

    private static async Task<string?> StateAsync(HttpClient agent, Guid id) =>
        (await SupportKit.JsonAsync(await agent.GetAsync($"/api/tickets/{id}"))).GetProperty("slaState").GetString();
}
