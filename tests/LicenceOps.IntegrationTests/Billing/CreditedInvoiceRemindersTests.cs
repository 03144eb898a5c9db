using System.Net.Http.Json;
using LicenceOps.Billing.Jobs;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Billing;

public sealed class CreditedInvoiceRemindersTests
{
    [Test]
    public async Task A_fully_credited_invoice_gets_no_reminder_and_a_late_job_sends_only_the_latest_one()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var world = new BillingWorld(factory);
        var credited = await world.TenantAsync("Annulé SAS", "FR", null, "987654321");
        var unpaid = await world.TenantAsync("Impayé SAS", "FR", null, "552100554");
        foreach (var tenant in new[] { credited, unpaid })
        {
            await world.SubscriptionAsync(tenant, "OpenAI", "ChatGPT Team", 2, 2, new DateOnly(2026, 9, 1), 25m, "USD", false, 27.50m);
        }

        using var staff = await factory.StaffClientAsync(Roles.StaffAdmin);
        await BillingWorld.RunAsync(staff, "2026-10", issue: true);
        var creditedInvoice = (await BillingWorld.InvoiceOfAsync(staff, credited, "2026-10")).GetProperty("id").GetGuid();
        await BillingWorld.JsonAsync(await staff.PostAsJsonAsync($"/api/tenants/{credited}/invoices/{creditedInvoice}/credit-notes", new { reason = "Contrat résilié" }));

        factory.Clock.Advance(TimeSpan.FromDays(30 + 40)); // due 23/12, now 01/02: 40 days late, job never ran before
        var result = await factory.Service<CollectionsJob>().RunAsync(CancellationToken.None);

        Assert.That(result, Is.EqualTo(new CollectionsResult(2, 1)));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoice_reminders WHERE invoice_id = @id",
            new { id = creditedInvoice.ToString("D").ToUpperInvariant() }), Is.Zero);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM outbox_messages WHERE body LIKE '%\"daysOverdue\":30%'"), Is.EqualTo(1));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%InvoicePaymentReminderDue%'"), Is.EqualTo(1));
        Assert.That((await factory.Service<CollectionsJob>().RunAsync(CancellationToken.None)).RemindersPublished, Is.Zero);
    }
}
