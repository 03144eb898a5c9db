using LicenceOps.Billing.Jobs;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Billing;

public sealed class MonthlyRunJobTests
{
    [Test]
    public async Task On_the_first_at_six_paris_time_the_job_issues_the_month_that_ended_once()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var world = new BillingWorld(factory);
        var tenant = await world.TenantAsync("Mensuel SAS", "FR", null, "987654321");
        await world.SubscriptionAsync(tenant, "Google", "Gemini Business", 0, 3, new DateOnly(2026, 11, 11), 20m, "EUR", false, null);
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero)); // 06:00 in Paris

        var first = await factory.Service<MonthlyInvoiceRunJob>().RunAsync(CancellationToken.None);
        var state = await world.InvoiceStateAsync();
        var second = await factory.Service<MonthlyInvoiceRunJob>().RunAsync(CancellationToken.None);

        Assert.That((first.Period, first.Drafted, first.Issued), Is.EqualTo(("2026-11", 1, 1)));
        Assert.That((second.Drafted, second.Issued, second.AlreadyInvoiced), Is.EqualTo((0, 0, 1)));
        Assert.That(await world.InvoiceStateAsync(), Is.EqualTo(state));
        using var client = await factory.ClientUserAsync(tenant, Roles.ClientViewer);
        var invoice = await BillingWorld.InvoiceOfAsync(client, tenant, "2026-11");
        // 20 € list price + 15 % = 23.00 €; 3 seats from 11/11: 3 × 23 × 20/30 = 46.00.
        Assert.That(InvoiceRunTests.Totals(invoice), Is.EqualTo((46.00m, 9.20m, 55.20m)));
        Assert.That((invoice.GetProperty("issueDate").GetString(), invoice.GetProperty("number").GetString()), Is.EqualTo(("2026-12-01", "F-2026-000001")));
    }
}
