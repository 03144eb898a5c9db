using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using LicenceOps.Billing;
using LicenceOps.Billing.Jobs;
using LicenceOps.Billing.Payments;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>Payment requests, webhook outcomes through the ledger, overdue status and reminders, with a moving clock.</summary>
public sealed class PaymentsAndCollectionsTests
{
    private LicenceOpsFactory factory = null!;
    private BillingWorld world = null!;
    private Guid payer, latePayer, payerInvoice, lateInvoice;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        factory = new LicenceOpsFactory(BillingWorld.Settings());
        world = new BillingWorld(factory);
        payer = await world.TenantAsync("Bon Payeur SAS", "FR", null, "987654321");
        latePayer = await world.TenantAsync("Retard SARL", "FR", null, "552100554");
        foreach (var tenant in new[] { payer, latePayer })
        {
            await world.SubscriptionAsync(tenant, "OpenAI", "ChatGPT Team", 10, 10, new DateOnly(2026, 9, 1), 25m, "USD", false, 27.50m);
        }

        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        await BillingWorld.RunAsync(staff, "2026-10", issue: true);
        payerInvoice = (await BillingWorld.InvoiceOfAsync(staff, payer, "2026-10")).GetProperty("id").GetGuid();
        lateInvoice = (await BillingWorld.InvoiceOfAsync(staff, latePayer, "2026-10")).GetProperty("id").GetGuid();
    }

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    [Test, Order(1)]
    public async Task Each_issued_invoice_gets_one_payment_request_and_failures_are_retried_later()
    {
        var failing = new RecordingCollector { Fail = true };
        Assert.That(await Job(failing).RunAsync(CancellationToken.None), Is.Zero);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE payment_intent_id IS NOT NULL"), Is.Zero);

        var collector = new RecordingCollector();
        var first = await Job(collector).RunAsync(CancellationToken.None);
        var second = await Job(collector).RunAsync(CancellationToken.None);

        Assert.That((first, second), Is.EqualTo((2, 0)));
        Assert.That(collector.Requests.Select(r => (r.InvoiceId, r.AmountInclVat, r.Currency)),
            Is.EquivalentTo(new[] { (payerInvoice, 330.00m, "EUR"), (lateInvoice, 330.00m, "EUR") }));
        Assert.That(collector.Requests.Select(r => r.InvoiceNumber), Is.All.Match(@"^F-2026-\d{6}$"));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE payment_intent_id LIKE 'pi_%'"), Is.EqualTo(2));
    }

    [Test, Order(2)]
    public async Task Webhook_outcomes_are_recorded_once_and_published_once()
    {
        var ledger = factory.Service<IInvoicePaymentLedger>();
        var failedAt = factory.Clock.GetUtcNow();

        Assert.That(await ledger.MarkPaymentFailedAsync(payerInvoice, "insufficient_funds", "pi_1", failedAt, CancellationToken.None), Is.True);
        Assert.That(await ledger.MarkPaymentFailedAsync(payerInvoice, "insufficient_funds", "pi_1", failedAt, CancellationToken.None), Is.True);
        Assert.That(await ledger.RecordPaymentAsync(payerInvoice, 330.00m, "EUR", "pi_1", failedAt.AddHours(1), CancellationToken.None), Is.EqualTo(PaymentOutcome.Paid));
        Assert.That(await ledger.RecordPaymentAsync(payerInvoice, 330.00m, "EUR", "pi_1", failedAt.AddHours(1), CancellationToken.None), Is.EqualTo(PaymentOutcome.Paid));
        Assert.That(await ledger.RecordPaymentAsync(Guid.NewGuid(), 1m, "EUR", "pi_x", failedAt, CancellationToken.None), Is.Null);
        Assert.That(await ledger.MarkPaymentFailedAsync(Guid.NewGuid(), "x", "pi_x", failedAt, CancellationToken.None), Is.False);

        Assert.That(await Published("PaymentFailed"), Is.EqualTo(1));
        Assert.That(await Published("InvoicePaid"), Is.EqualTo(1));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoice_payment_failures"), Is.EqualTo(1));
        using var client = await factory.ClientUserAsync(payer, Roles.ClientViewer);
        var invoice = await BillingWorld.JsonAsync(await client.GetAsync($"/api/tenants/{payer}/invoices/{payerInvoice}"));
        Assert.That(invoice.GetProperty("status").GetString(), Is.EqualTo("paid"));
    }

    [Test, Order(3)]
    public async Task Unpaid_invoices_turn_overdue_and_get_one_reminder_at_7_15_and_30_days()
    {
        // Issued 23/11/2026, due 23/12/2026.
        var job = factory.Service<CollectionsJob>();
        Assert.That(await job.RunAsync(CancellationToken.None), Is.EqualTo(new CollectionsResult(0, 0)));

        factory.Clock.Advance(TimeSpan.FromDays(31)); // 24/12: one day late
        Assert.That(await job.RunAsync(CancellationToken.None), Is.EqualTo(new CollectionsResult(1, 0)));
        Assert.That(await Status(lateInvoice), Is.EqualTo("overdue"));
        Assert.That(await Status(payerInvoice), Is.EqualTo("paid"), "a paid invoice never becomes overdue");

        var reminders = new List<int>();
        foreach (var day in new[] { 29, 30, 30, 37, 38, 52, 53 }) // 30/12 = +7 ... 22/01 = +30
        {
            factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 23, 9, 0, 0, TimeSpan.Zero).AddDays(day - 23));
            var result = await job.RunAsync(CancellationToken.None);
            reminders.Add(result.RemindersPublished);
        }

        Assert.That(reminders, Is.EqualTo(new[] { 0, 1, 0, 0, 1, 0, 1 }));
        Assert.That(await Published("InvoicePaymentReminderDue"), Is.EqualTo(3));
        await using var connection = await world.Database.OpenAsync();
        var bodies = (await connection.QueryAsync<string>("SELECT body FROM outbox_messages WHERE message_type LIKE '%InvoicePaymentReminderDue%'"))
            .Select(b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.That(bodies.Select(b => b.GetProperty("daysOverdue").GetInt32()), Is.EquivalentTo(new[] { 7, 15, 30 }));
        Assert.That(bodies.Select(b => b.GetProperty("invoiceId").GetGuid()), Is.All.EqualTo(lateInvoice));
        Assert.That(bodies.Select(b => b.GetProperty("amountDue").GetDecimal()), Is.All.EqualTo(330.00m));
    }

    [Test]
    public async Task Without_a_stripe_key_the_job_warns_once_and_requests_nothing()
    {
        var logs = new ListLogger();
        var collector = factory.Service<IPaymentCollector>();
        var job = new PaymentRequestJob(factory.Service<ModuleDatabase<BillingModule>>(), collector, logs);

        var first = await job.RunAsync(CancellationToken.None);
        var second = await new PaymentRequestJob(factory.Service<ModuleDatabase<BillingModule>>(), collector, logs).RunAsync(CancellationToken.None);

        Assert.That((collector.IsConfigured, first, second), Is.EqualTo((false, 0, 0)));
        Assert.That(logs.Warnings, Has.Count.EqualTo(1));
        Assert.That(logs.Warnings[0], Does.Contain("Billing:Stripe:SecretKey"));
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger<PaymentRequestJob>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (logLevel == Microsoft.Extensions.Logging.LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }

    private PaymentRequestJob Job(IPaymentCollector collector) =>
        new(factory.Service<ModuleDatabase<BillingModule>>(), collector, NullLogger<PaymentRequestJob>.Instance);

    private Task<long> Published(string type) =>
        world.CountAsync("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE @pattern", new { pattern = $"%.{type},%" });

    private async Task<string> Status(Guid invoiceId)
    {
        await using var connection = await world.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT status FROM invoices WHERE id = @id", new { id = invoiceId.ToString("D").ToUpperInvariant() }) ?? "";
    }

    private sealed class RecordingCollector : IPaymentCollector
    {
        public bool Fail { get; init; }

        public ConcurrentQueue<PaymentRequest> Requests { get; } = new();

        public Task<PaymentRequestResult> RequestPaymentAsync(PaymentRequest request, CancellationToken ct)
        {
            if (Fail)
            {
                throw new HttpRequestException("payment provider unavailable");
            }

            Requests.Enqueue(request);
            return Task.FromResult(new PaymentRequestResult($"cus_{request.TenantId:N}", $"pi_{request.InvoiceId:N}", "processing"));
        }
    }
}
