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

    [Test]
    public async Task Each_tenant_of_a_run_records_its_outcome_invoice_and_number_once_whether_drafted_found_or_issued()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var world = new BillingWorld(factory);
        var tenant = await world.TenantAsync("Traces SAS", "FR", null, "987654322");
        await world.SubscriptionAsync(tenant, "Google", "Gemini Business", 0, 2, new DateOnly(2026, 11, 3), 20m, "EUR", false, null);
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero));
        var runner = factory.Service<LicenceOps.Billing.Features.Runs.InvoiceRunner>();
        var db = factory.Service<LicenceOps.Platform.Data.ModuleDatabase<LicenceOps.Billing.BillingModule>>();
        var period = LicenceOps.Billing.Features.Invoicing.BillingPeriod.FromDate(new DateOnly(2026, 11, 1));

        var drafting = await runner.RunAsync(period, issue: false, CancellationToken.None);
        var issuing = await runner.RunAsync(period, issue: true, CancellationToken.None);
        var again = await runner.RunAsync(period, issue: true, CancellationToken.None);

        var records = await db.QueryAsync<(string Status, string Outcome, Guid? InvoiceId, long Issued)>(
            """
            SELECT t.status, t.outcome, t.invoice_id, t.issued FROM invoice_run_tenants t JOIN invoice_runs r ON r.id = t.run_id
            WHERE t.tenant_id = @tenant ORDER BY r.created_at, r.rowid
            """, new { tenant });
        var invoiceId = drafting.InvoiceIds.Single();
        Assert.That(records, Is.EqualTo(new[]
        {
            ("done", "drafted", (Guid?)invoiceId, 0L),
            ("done", "already", (Guid?)invoiceId, 1L),
            ("done", "already", (Guid?)invoiceId, 0L),
        }));
        Assert.That((drafting.Drafted, drafting.Issued, issuing.AlreadyInvoiced, issuing.Issued, again.AlreadyInvoiced, again.Issued),
            Is.EqualTo((1, 0, 1, 1, 1, 0)));
        Assert.That(issuing.InvoiceIds, Is.EqualTo(new[] { invoiceId }));
    }
}
