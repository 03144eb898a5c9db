using System.Net;
using System.Net.Http.Json;
using System.Text;
using LicenceOps.Billing.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

public sealed class StripeWebhookTests
{
    private const string Secret = "whsec_licenceops_test";

    // Far from the machine's clock on purpose: the signature age must be judged by the injected TimeProvider.
    private FakeTimeProvider clock = null!;
    private RecordingPaymentLedger ledger = null!;
    private BillingSqliteDatabase billingDb = null!;
    private WebApplication app = null!;
    private HttpClient http = null!;

    [SetUp]
    public async Task StartHost()
    {
        clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 14, 10, 0, 0, TimeSpan.Zero));
        ledger = new RecordingPaymentLedger();
        billingDb = await BillingSqliteDatabase.CreateAsync(clock);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddStripePayments(builder.Configuration);
        builder.Services.Configure<StripeOptions>(o => o.WebhookSecret = Secret);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton<IStripeRecords>(new SqlStripeRecords(billingDb.Database));
        builder.Services.AddSingleton<IInvoicePaymentLedger>(ledger);
        app = builder.Build();
        app.MapStripeWebhook();
        await app.StartAsync();
        http = app.GetTestClient();
    }

    [TearDown]
    public async Task StopHost()
    {
        http.Dispose();
        await app.DisposeAsync();
        billingDb.Dispose();
    }

    [Test]
    public async Task A_signed_succeeded_event_marks_the_invoice_paid()
    {
        var invoiceId = KnownInvoice();
        var body = StripeSignatures.PaymentIntentEvent("evt_paid", "payment_intent.succeeded", invoiceId, 123456, clock.GetUtcNow());

        var response = await PostAsync(body, StripeSignatures.Header(body, Secret, clock.GetUtcNow()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var paid = ledger.Paid.Single();
        Assert.Multiple(() =>
        {
            Assert.That(paid.InvoiceId, Is.EqualTo(invoiceId));
            Assert.That(paid.Amount, Is.EqualTo(1234.56m));
            Assert.That(paid.Currency, Is.EqualTo("EUR"));
            Assert.That(paid.PaymentIntentId, Is.EqualTo("pi_evt_paid"));
            Assert.That(paid.At, Is.EqualTo(clock.GetUtcNow()));
        });
    }

    [Test]
    public async Task A_signed_failed_event_records_the_failure_reason()
    {
        var invoiceId = KnownInvoice();
        var body = StripeSignatures.PaymentIntentEvent(
            "evt_failed", "payment_intent.payment_failed", invoiceId, 5000, clock.GetUtcNow(), failure: "Solde insuffisant");

        var response = await PostAsync(body, StripeSignatures.Header(body, Secret, clock.GetUtcNow()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ledger.Failed.Single().Reason, Is.EqualTo("Solde insuffisant"));
        Assert.That(ledger.Paid, Is.Empty);
    }

    [Test]
    public async Task A_replayed_event_is_acknowledged_but_applied_once()
    {
        var invoiceId = KnownInvoice();
        var body = StripeSignatures.PaymentIntentEvent("evt_replayed", "payment_intent.succeeded", invoiceId, 1000, clock.GetUtcNow());
        var header = StripeSignatures.Header(body, Secret, clock.GetUtcNow());

        var first = await PostAsync(body, header);
        clock.Advance(TimeSpan.FromSeconds(30));
        var replay = await PostAsync(body, header);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Stripe stops redelivering only on 2xx");
        var receipt = await replay.Content.ReadFromJsonAsync<StripeWebhook.WebhookReceipt>();
        Assert.That(receipt!.Outcome, Is.EqualTo("duplicate-ignored"));
        Assert.That(ledger.Paid, Has.Count.EqualTo(1));
        Assert.That(await billingDb.Database.QueryAsync<string>("SELECT event_id FROM stripe_events"), Is.EqualTo(new[] { "evt_replayed" }));
    }

    [Test]
    public async Task A_signature_made_with_another_secret_is_rejected()
    {
        var body = StripeSignatures.PaymentIntentEvent("evt_forged", "payment_intent.succeeded", KnownInvoice(), 1000, clock.GetUtcNow());

        var response = await PostAsync(body, StripeSignatures.Header(body, "whsec_attacker", clock.GetUtcNow()));

        await AssertRejectedAsync(response, "signature");
    }

    [Test]
    public async Task A_body_changed_after_signing_is_rejected()
    {
        var invoiceId = KnownInvoice();
        var signed = StripeSignatures.PaymentIntentEvent("evt_tampered", "payment_intent.succeeded", invoiceId, 1000, clock.GetUtcNow());
        var tampered = signed.Replace("\"amount_received\":1000", "\"amount_received\":9000", StringComparison.Ordinal);

        var response = await PostAsync(tampered, StripeSignatures.Header(signed, Secret, clock.GetUtcNow()));

        await AssertRejectedAsync(response, "signature");
    }

    [Test]
    public async Task A_signature_older_than_five_minutes_on_the_application_clock_is_rejected()
    {
        var invoiceId = KnownInvoice();
        var signedAt = clock.GetUtcNow();
        var body = StripeSignatures.PaymentIntentEvent("evt_old", "payment_intent.succeeded", invoiceId, 1000, signedAt);
        var header = StripeSignatures.Header(body, Secret, signedAt);

        clock.Advance(TimeSpan.FromSeconds(301));
        var response = await PostAsync(body, header);

        await AssertRejectedAsync(response, "tolerance");
    }

    [Test]
    public async Task A_signature_just_inside_the_tolerance_is_accepted()
    {
        var invoiceId = KnownInvoice();
        var signedAt = clock.GetUtcNow();
        var body = StripeSignatures.PaymentIntentEvent("evt_late", "payment_intent.succeeded", invoiceId, 1000, signedAt);

        clock.Advance(TimeSpan.FromSeconds(299));
        var response = await PostAsync(body, StripeSignatures.Header(body, Secret, signedAt));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ledger.Paid, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_request_without_signature_header_is_rejected()
    {
        var body = StripeSignatures.PaymentIntentEvent("evt_unsigned", "payment_intent.succeeded", KnownInvoice(), 1000, clock.GetUtcNow());

        var response = await PostAsync(body, signature: null);

        await AssertRejectedAsync(response, "Stripe-Signature");
    }

    [Test]
    public async Task An_event_for_an_unknown_invoice_is_acknowledged_without_effect()
    {
        var body = StripeSignatures.PaymentIntentEvent("evt_stranger", "payment_intent.succeeded", Guid.NewGuid(), 1000, clock.GetUtcNow());

        var response = await PostAsync(body, StripeSignatures.Header(body, Secret, clock.GetUtcNow()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var receipt = await response.Content.ReadFromJsonAsync<StripeWebhook.WebhookReceipt>();
        Assert.That(receipt!.Outcome, Is.EqualTo("ignored: unknown invoice"));
        Assert.That(ledger.Paid, Is.Empty);
    }

    private Guid KnownInvoice()
    {
        var id = Guid.NewGuid();
        ledger.KnownInvoices.Add(id);
        return id;
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhook.Route)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }
        return await http.SendAsync(request);
    }

    private async Task AssertRejectedAsync(HttpResponseMessage response, string detailMentions)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadAsStringAsync();
        Assert.That(problem, Does.Contain(detailMentions));
        Assert.That(ledger.Paid, Is.Empty);
        Assert.That(ledger.Failed, Is.Empty);
    }
}
