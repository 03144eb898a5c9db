using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Runs;
using LicenceOps.Billing.Jobs;
using LicenceOps.Billing.Payments;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Demo;

/// <summary>
/// Gives a fresh demo install an invoicing past, so the first look shows invoices and PDFs: the three months before
/// the first start are invoiced as the monthly job would have done (issued on the 1st of the next month), the oldest
/// month is paid, the middle one is overdue with its reminders and partly credited, the last one awaits payment.
/// Billing learns the demo tenants and subscriptions from Tenants' and Seats' events, which flow once the host has
/// started, so this waits for them instead of seeding at start. The first start's date is stored, and every step is
/// idempotent (runs, issuing, payment id, one credit note), so a crash or a restart finishes the same history.
/// </summary>
internal sealed partial class BillingDemoHistory(IServiceProvider services, TimeProvider time, ILogger<BillingDemoHistory> logger) : BackgroundService
{
    private static readonly Guid[] DemoTenants = [DemoData.AcmeTenantId, DemoData.NordwindTenantId];
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var database = services.GetRequiredService<ModuleDatabase<BillingModule>>();
        var giveUpAt = time.GetUtcNow() + Patience;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ReadyAsync(database, stoppingToken))
                {
                    await WriteHistoryAsync(database, stoppingToken);
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Migrations may still be running on the first tries; anything else is reported once we give up.
                if (time.GetUtcNow() > giveUpAt)
                {
                    LogFailed(ex);
                    return;
                }
            }

            if (time.GetUtcNow() > giveUpAt)
            {
                LogGaveUp();
                return;
            }

            // Real time, not the application's clock: tests freeze that one.
            await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken);
        }
    }

    /// <summary>Both demo tenants' profiles, their subscriptions' terms and the backdated demo seats have reached Billing.</summary>
    private async Task<bool> ReadyAsync(ModuleDatabase<BillingModule> database, CancellationToken ct)
    {
        var profiles = await database.QuerySingleOrDefaultAsync<int>(
            "SELECT COUNT(*) FROM billing_tenants WHERE tenant_id IN @DemoTenants", new { DemoTenants }, ct);
        var subscriptions = await database.QuerySingleOrDefaultAsync<int>(
            "SELECT COUNT(DISTINCT subscription_id) FROM subscription_terms WHERE tenant_id IN @DemoTenants", new { DemoTenants }, ct);
        // The past months are billed from seat-days: the backdated demo seats must have reached Billing first.
        var backdatedSeats = await database.QuerySingleOrDefaultAsync<int>(
            "SELECT COUNT(*) FROM seat_changes WHERE tenant_id IN @DemoTenants AND effective_date < @today",
            new { DemoTenants, today = ParisCalendar.DateOf(time.GetUtcNow()) }, ct);
        return profiles == DemoTenants.Length && subscriptions >= 5 && backdatedSeats >= DemoData.BackdatedSeatChanges;
    }

    private async Task WriteHistoryAsync(ModuleDatabase<BillingModule> database, CancellationToken ct)
    {
        using var actor = ActorScope.Begin(Actor.System("billing-demo-history"));
        var firstStart = await database.WriteAsync(async uow =>
        {
            await uow.ExecuteAsync(
                "INSERT INTO billing_demo_history (id, first_start) SELECT 1, @today WHERE NOT EXISTS (SELECT 1 FROM billing_demo_history)",
                new { today = ParisCalendar.DateOf(uow.Now) });
            return await uow.QuerySingleOrDefaultAsync<DateOnly>("SELECT first_start FROM billing_demo_history WHERE id = 1");
        }, ct);

        var current = BillingPeriod.FromDate(firstStart);
        var months = new[] { current.Previous().Previous().Previous(), current.Previous().Previous(), current.Previous() };
        var runner = services.GetRequiredService<InvoiceRunner>();
        var issued = new Dictionary<BillingPeriod, IReadOnlyList<Guid>>();
        foreach (var month in months)
        {
            var run = await runner.RunAsync(month, issue: false, ct);
            foreach (var id in run.InvoiceIds)
            {
                await database.WriteAsync(uow => InvoiceIssuer.IssueAsync(uow, id, month.End.AddDays(1)), ct);
            }

            issued[month] = run.InvoiceIds;
        }

        // The oldest month was paid by transfer on its due date.
        var ledger = services.GetRequiredService<IInvoicePaymentLedger>();
        foreach (var id in issued[months[0]])
        {
            var invoice = (await database.QuerySingleOrDefaultAsync<InvoiceRow>($"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @id", new { id }, ct))!;
            var paidAt = new DateTimeOffset(invoice.DueDate!.Value.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
            await ledger.RecordPaymentAsync(id, invoice.TotalInclVat, invoice.Currency, $"demo_transfer_{id:N}", paidAt, ct);
        }

        // The middle month: a seat billed in error is credited on Acme's invoice, then collections find it overdue.
        var acmeMiddle = await database.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT id FROM invoices WHERE tenant_id = @tenantId AND period = @period AND kind = 'invoice'",
            new { tenantId = DemoData.AcmeTenantId, period = months[1].ToString() }, ct);
        if (acmeMiddle is { } creditedId && await database.QuerySingleOrDefaultAsync<int>(
                "SELECT COUNT(*) FROM invoices WHERE credited_invoice_id = @creditedId", new { creditedId }, ct) == 0)
        {
            var line = await database.QuerySingleOrDefaultAsync<InvoiceLineRow>(
                database.Dialect.Top($"SELECT {InvoiceLineRow.Columns} FROM invoice_lines WHERE invoice_id = @creditedId ORDER BY line_number", "1"),
                new { creditedId }, ct);
            if (line is not null)
            {
                var amount = Money.Cents(line.NetAmount / Math.Max(1m, line.Quantity));
                await CreditNotes.CreateAsync(DemoData.AcmeTenantId, creditedId,
                    new CreditNoteRequest("Un siège facturé à tort (départ non signalé à temps)", [new CreditLineRequest(line.LineNumber, amount)]),
                    database, services.GetRequiredService<InvoiceDocuments>(), ct);
            }
        }

        await services.GetRequiredService<CollectionsJob>().RunAsync(ct);
        LogWritten(string.Join(", ", months));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo invoicing history written for {Months}")]
    private partial void LogWritten(string months);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo invoicing history not written: the demo tenants' events did not reach Billing in time")]
    private partial void LogGaveUp();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo invoicing history not written")]
    private partial void LogFailed(Exception exception);
}
